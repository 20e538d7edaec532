/** Live sync: change-stream consumers per data source, resume tokens, leases, snapshot handoff and gaps. */
package io.mongopgsync.stream;
