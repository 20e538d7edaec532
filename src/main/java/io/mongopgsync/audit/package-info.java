/**
 * The audit log: every changing call and every refused one, who made it, with which role, what it asked for
 * (secrets removed) and how it ended; kept in dra_audit_log and read through GET /api/audit.
 */
package io.mongopgsync.audit;
