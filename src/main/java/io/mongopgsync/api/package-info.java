/** The REST API: beans called by the YAML REST routes, request validation and the one error shape. */
package io.mongopgsync.api;
