package io.mongopgsync.schedule;

import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a data source's verification trigger runs: hands the firing to the {@code scheduled-verify} route. In
 * clustered mode exactly one instance runs each firing.
 */
@DisallowConcurrentExecution
public class ScheduledVerifyJob implements Job {

    @Autowired
    private ProducerTemplate producer;

    @Override
    public void execute(JobExecutionContext context) {
        producer.sendBodyAndHeaders("direct:scheduled-verify", null, Map.of(
                "sourceId", context.getMergedJobDataMap().getLong(ScheduledSyncJob.SOURCE_ID),
                "scheduledFireTime", context.getScheduledFireTime().toInstant().toString()));
    }
}
