/** The embedded MongoDB-compatible server and the generated demo data behind ./mvnw spring-boot:run. */
package io.mongopgsync.demo;
