/**
 * What can go wrong in the service's own terms (not found, conflict, invalid input with each bad field named);
 * the REST layer maps them to HTTP statuses in one place ({@code api.ApiErrorWriter}).
 */
package io.mongopgsync.errors;
