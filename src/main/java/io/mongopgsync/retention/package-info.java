/** Retention: deletes old sync history, finished jobs, rejected documents and audit entries on a clustered schedule. */
package io.mongopgsync.retention;
