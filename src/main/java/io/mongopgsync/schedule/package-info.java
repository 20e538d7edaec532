/** Cron schedules of data sources as Quartz triggers in the clustered job store. */
package io.mongopgsync.schedule;
