/** Pure Java mapping of BSON to PostgreSQL: identifiers, _id encoding, column types and widening, row rendering. */
package io.mongopgsync.mapping;
