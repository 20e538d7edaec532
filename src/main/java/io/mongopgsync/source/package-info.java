/** The data-source registry: sources, their encrypted connection strings, MongoDB clients and connection checks. */
package io.mongopgsync.source;
