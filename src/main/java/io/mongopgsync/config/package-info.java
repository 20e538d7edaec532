/** Typed, validated settings of the service (sync.* in application.yaml). */
package io.mongopgsync.config;
