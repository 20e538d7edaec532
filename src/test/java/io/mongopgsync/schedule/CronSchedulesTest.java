package io.mongopgsync.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CronSchedulesTest {

    @Test
    void shouldTranslateFiveFieldUnixCron() {
        assertThat(CronSchedules.toQuartz("0 */6 * * *")).isEqualTo("0 0 */6 * * ?");
        assertThat(CronSchedules.toQuartz("30 2 1 * *")).isEqualTo("0 30 2 1 * ?");
        assertThat(CronSchedules.toQuartz("0 9 * * 1-5")).isEqualTo("0 0 9 ? * MON,TUE,WED,THU,FRI");
        assertThat(CronSchedules.toQuartz("0 9 * * 0")).isEqualTo("0 0 9 ? * SUN");
        assertThat(CronSchedules.toQuartz("0 9 * * 7")).isEqualTo("0 0 9 ? * SUN");
        assertThat(CronSchedules.toQuartz("0 9 * * 5-7")).isEqualTo("0 0 9 ? * SUN,FRI,SAT");
        assertThat(CronSchedules.toQuartz("0 9 * * sat,sun")).isEqualTo("0 0 9 ? * SUN,SAT");
        assertThat(CronSchedules.toQuartz("0 9 * * */2")).isEqualTo("0 0 9 ? * SUN,TUE,THU,SAT");
    }

    @Test
    void shouldKeepQuartzExpressions() {
        assertThat(CronSchedules.toQuartz("* * * * * ?")).isEqualTo("* * * * * ?");
        assertThat(CronSchedules.toQuartz("0 15 10 ? * MON-FRI 2030")).isEqualTo("0 15 10 ? * MON-FRI 2030");
    }

    @Test
    void shouldRefuseAScheduleThatNeverFires() {
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 0 31 2 *")).hasMessageContaining("never fires");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 0 30 2 ?")).hasMessageContaining("never fires");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 0 12 * * ? 2001")).hasMessageContaining("never fires");
        assertThat(CronSchedules.toQuartz("0 0 29 2 *")).isEqualTo("0 0 0 29 2 ?");
    }

    @Test
    void shouldSayWhyAnExpressionIsInvalid() {
        assertThatThrownBy(() -> CronSchedules.toQuartz("every day")).hasMessageContaining("fields");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 9 1 * 1")).hasMessageContaining("both day-of-month and day-of-week");
        assertThatThrownBy(() -> CronSchedules.toQuartz("61 * * * *")).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 9 * * 8")).hasMessageContaining("0-7");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 0 25 * * ?")).hasMessageContaining("not a valid cron");
    }
}
