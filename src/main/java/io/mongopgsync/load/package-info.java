/** Writing to PostgreSQL: COPY, DDL on imported tables, the atomic swap, the table and column registry, rejects. */
package io.mongopgsync.load;
