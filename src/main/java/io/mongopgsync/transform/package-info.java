/**
 * Transforms integration teams declare in YAML ({@code *.sync.yaml} in the routes folder): a MongoDB filter pushed
 * into the read, and ordered steps applied to every document before it is mapped to a row (field actions named
 * like Camel's action kamelets, masking, computed fields, and the team's own Camel routes). Parsing and the field
 * actions are plain Java; only computed fields and the team's routes need Camel.
 */
package io.mongopgsync.transform;
