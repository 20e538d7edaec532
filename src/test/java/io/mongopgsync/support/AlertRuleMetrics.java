package io.mongopgsync.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** The metric names the alert expressions of k8s/prometheus-rules.yaml use. */
public final class AlertRuleMetrics {

    private static final Pattern METRIC = Pattern.compile("\\bmongo_pg_sync_[a-z0-9_]+");

    private AlertRuleMetrics() {
    }

    @SuppressWarnings("unchecked")
    public static Set<String> names(String prometheusRuleYaml) {
        Map<String, Object> rule = new Yaml().load(prometheusRuleYaml);
        Set<String> names = new TreeSet<>();
        Map<String, Object> spec = (Map<String, Object>) rule.get("spec");
        for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                Matcher m = METRIC.matcher(String.valueOf(r.get("expr")));
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
