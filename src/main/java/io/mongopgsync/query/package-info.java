/**
 * MongoDB aggregation pipelines answered from the imported tables: a translator (plain Java) turns a pipeline into
 * one parameterised SQL statement over {@code _source_document} and typed columns with MongoDB's comparison
 * semantics, refusing what it cannot translate faithfully; collections without a completed import are answered by
 * MongoDB itself with read-only stages only.
 */
package io.mongopgsync.query;
