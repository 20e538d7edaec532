package io.mongopgsync.schedule;

import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a data source's Quartz trigger runs: hands the firing to the {@code scheduled-sync} route. In clustered
 * mode exactly one instance runs each firing.
 */
@DisallowConcurrentExecution
public class ScheduledSyncJob implements Job {

    public static final String SOURCE_ID = "sourceId";

    @Autowired
    private ProducerTemplate producer;

    @Override
    public void execute(JobExecutionContext context) {
        long sourceId = context.getMergedJobDataMap().getLong(SOURCE_ID);
        producer.sendBodyAndHeaders("direct:scheduled-sync", null, Map.of(
                "sourceId", sourceId,
                "scheduledFireTime", context.getScheduledFireTime().toInstant().toString(),
                "fireTime", context.getFireTime().toInstant().toString(),
                "schedulerInstance", safeInstanceId(context)));
    }

    private static String safeInstanceId(JobExecutionContext context) {
        try {
            return context.getScheduler().getSchedulerInstanceId();
        } catch (org.quartz.SchedulerException e) {
            return "unknown";
        }
    }
}
