package io.mongopgsync.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.AlertRuleMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads every manifest in k8s/ and checks what a cluster (or kustomize) would reject or get wrong: required fields,
 * selectors that match the pods, ports that exist, probe paths the service serves, the routes ConfigMap mounted
 * where SYNC_ROUTES_DIR points and identical to routes/, secret keys the shipped example defines, and alert rules
 * that use only metrics the code registers.
 */
@SuppressWarnings("unchecked")
class K8sManifestsTest {

    static final Path K8S = Path.of("k8s");
    static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    static List<Map<String, Object>> manifests = new ArrayList<>();
    static Map<String, Object> kustomization;
    static Map<String, Object> application;

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    if (doc == null) {
                        continue;
                    }
                    Map<String, Object> manifest = new HashMap<>((Map<String, Object>) doc);
                    manifest.put("__file", file.getFileName().toString());
                    if ("Kustomization".equals(manifest.get("kind"))) {
                        kustomization = manifest;
                    } else {
                        manifests.add(manifest);
                    }
                }
            }
        }
        application = new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml")));
    }

    static Object at(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    static Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        assertThat(found).as("one %s in k8s/", kind).hasSize(1);
        return found.get(0);
    }

    static Map<String, Object> container() {
        List<Map<String, Object>> containers = (List<Map<String, Object>>) at(only("Deployment"),
                "spec.template.spec.containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container().get("env")) {
            env.put((String) e.get("name"), e.get("value") == null ? null : String.valueOf(e.get("value")));
        }
        return env;
    }

    /** The default of a {@code ${ENV:default}} value in application.yaml, or the value itself. */
    static String applicationDefault(String path) {
        String value = String.valueOf(at(application, path));
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:(.*)}").matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    @Test
    void shouldGiveEveryManifestApiVersionKindAndAValidName() {
        assertThat(manifests).isNotEmpty();
        for (Map<String, Object> m : manifests) {
            String file = (String) m.get("__file");
            assertThat(m.get("apiVersion")).as("apiVersion in %s", file).isInstanceOf(String.class);
            assertThat(m.get("kind")).as("kind in %s", file).isInstanceOf(String.class);
            String name = (String) at(m, "metadata.name");
            assertThat(name).as("metadata.name in %s", file).isNotNull();
            assertThat(DNS_1123.matcher(name).matches() && name.length() <= 63).as("name %s in %s", name, file).isTrue();
        }
        assertThat(kustomization).as("k8s/kustomization.yaml").isNotNull();
        assertThat(kustomization.get("apiVersion")).isEqualTo("kustomize.config.k8s.io/v1beta1");
    }

    @Test
    void shouldListOnlyExistingFilesInTheKustomization() {
        for (String resource : (List<String>) kustomization.get("resources")) {
            assertThat(K8S.resolve(resource)).as("kustomization resource").exists();
        }
        assertThat((List<String>) kustomization.get("resources"))
                .contains("deployment.yaml", "service.yaml", "pdb.yaml", "routes-configmap.yaml");
    }

    @Test
    void shouldRunTwoReplicasWhoseSelectorMatchesThePods() {
        Map<String, Object> deployment = only("Deployment");
        Map<String, Object> podLabels = (Map<String, Object>) at(deployment, "spec.template.metadata.labels");
        assertThat(at(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) at(deployment, "spec.selector.matchLabels"));
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) at(only("Service"), "spec.selector"));
        Map<String, Object> pdb = only("PodDisruptionBudget");
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) at(pdb, "spec.selector.matchLabels"));
        assertThat((Integer) at(pdb, "spec.minAvailable")).isBetween(1, 1);
    }

    @Test
    void shouldPointTheServiceAtAPortTheContainerListensOn() {
        List<Map<String, Object>> containerPorts = (List<Map<String, Object>>) container().get("ports");
        Set<Object> targets = new HashSet<>();
        containerPorts.forEach(p -> {
            targets.add(p.get("name"));
            targets.add(p.get("containerPort"));
        });
        for (Map<String, Object> port : (List<Map<String, Object>>) at(only("Service"), "spec.ports")) {
            assertThat(targets).as("Service targetPort").contains(port.get("targetPort"));
        }
        String serverPort = env().getOrDefault("SERVER_PORT", applicationDefault("server.port"));
        assertThat(containerPorts).extracting(p -> String.valueOf(p.get("containerPort"))).contains(serverPort);
    }

    @Test
    void shouldProbeHealthGroupsTheServiceServes() {
        assertThat(at(application, "management.endpoint.health.probes.enabled")).as("health probes enabled")
                .isEqualTo(true);
        assertThat(String.valueOf(at(application, "management.endpoints.web.exposure.include")).split(","))
                .contains("health");
        Set<String> ports = new HashSet<>();
        ((List<Map<String, Object>>) container().get("ports")).forEach(p -> {
            ports.add(String.valueOf(p.get("name")));
            ports.add(String.valueOf(p.get("containerPort")));
        });
        Map<String, String> expected = Map.of("livenessProbe", "/actuator/health/liveness",
                "readinessProbe", "/actuator/health/readiness", "startupProbe", "/actuator/health/liveness");
        for (Map.Entry<String, String> probe : expected.entrySet()) {
            Object path = at(container(), probe.getKey() + ".httpGet.path");
            assertThat(path).as(probe.getKey()).isEqualTo(probe.getValue());
            assertThat(ports).as(probe.getKey() + " port")
                    .contains(String.valueOf(at(container(), probe.getKey() + ".httpGet.port")));
        }
    }

    @Test
    void shouldGiveRunningSyncsTimeToStopBeforeTheKill() {
        int grace = (Integer) at(only("Deployment"), "spec.template.spec.terminationGracePeriodSeconds");
        int camelShutdown = Integer.parseInt(applicationDefault("camel.main.shutdown-timeout"));
        List<String> preStop = (List<String>) at(container(), "lifecycle.preStop.exec.command");
        Matcher sleep = Pattern.compile("sleep (\\d+)").matcher(String.join(" ", preStop));
        assertThat(sleep.find()).as("preStop sleeps").isTrue();
        assertThat(grace).isGreaterThan(camelShutdown + Integer.parseInt(sleep.group(1)));
        assertThat(at(container(), "resources.requests.memory")).isNotNull();
        assertThat(at(container(), "resources.limits.memory")).isNotNull();
        assertThat(env()).containsEntry("SYNC_DEMO_ENABLED", "false");
    }

    @Test
    void shouldMountTheRoutesConfigMapWhereSyncRoutesDirPoints() throws IOException {
        String routesDir = env().get("SYNC_ROUTES_DIR");
        assertThat(routesDir).isEqualTo("/deployments/routes");
        Map<String, Object> configMap = only("ConfigMap");
        String volume = null;
        for (Map<String, Object> v : (List<Map<String, Object>>) at(only("Deployment"), "spec.template.spec.volumes")) {
            if (configMap.get("metadata") != null && at(configMap, "metadata.name").equals(at(v, "configMap.name"))) {
                volume = (String) v.get("name");
            }
        }
        assertThat(volume).as("a volume of ConfigMap %s", at(configMap, "metadata.name")).isNotNull();
        String mountPath = null;
        for (Map<String, Object> mount : (List<Map<String, Object>>) container().get("volumeMounts")) {
            if (volume.equals(mount.get("name"))) {
                mountPath = (String) mount.get("mountPath");
            }
        }
        assertThat(mountPath).isEqualTo(routesDir);

        Map<String, String> shipped = new TreeMap<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.filter(f -> f.toString().endsWith(".camel.yaml") || f.toString().endsWith(".sync.yaml"))
                    .toList()) {
                shipped.put(route.getFileName().toString(), Files.readString(route).stripTrailing());
            }
        }
        Map<String, String> mounted = new TreeMap<>();
        ((Map<String, String>) configMap.get("data")).forEach((k, v) -> mounted.put(k, v.stripTrailing()));
        assertThat(mounted).as("k8s/routes-configmap.yaml is out of date with routes/: run k8s/update-routes-configmap.sh")
                .isEqualTo(shipped);
    }

    @Test
    void shouldReferenceOnlySecretKeysTheExampleDefines() throws IOException {
        List<Map<String, Object>> generators = (List<Map<String, Object>>) kustomization.get("secretGenerator");
        Map<String, Set<String>> secrets = new HashMap<>();
        for (Map<String, Object> generator : generators) {
            Set<String> keys = new HashSet<>();
            for (String envFile : (List<String>) generator.get("envs")) {
                Path example = K8S.resolve(envFile + ".example");
                assertThat(example).as("example of %s", envFile).exists();
                Properties properties = new Properties();
                properties.load(Files.newBufferedReader(example));
                keys.addAll(properties.stringPropertyNames());
            }
            secrets.put((String) generator.get("name"), keys);
        }
        manifests.stream().filter(m -> "Secret".equals(m.get("kind"))).forEach(s -> secrets.put(
                (String) at(s, "metadata.name"), ((Map<String, Object>) s.getOrDefault("stringData", Map.of())).keySet()));
        int refs = 0;
        for (Map<String, Object> e : (List<Map<String, Object>>) container().get("env")) {
            Map<String, Object> ref = (Map<String, Object>) at(e, "valueFrom.secretKeyRef");
            if (ref != null) {
                refs++;
                assertThat(secrets).as("Secret %s", ref.get("name")).containsKey((String) ref.get("name"));
                assertThat(secrets.get(ref.get("name"))).as("key of %s", e.get("name")).contains((String) ref.get("key"));
            }
        }
        assertThat(env().keySet()).contains("DB_PASSWORD", "SYNC_SECRET_KEY", "SYNC_PREVIOUS_SECRET_KEYS",
                "SYNC_BOOTSTRAP_TOKEN", "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI");
        assertThat(refs).isEqualTo(5);
        assertThat(Files.readString(Path.of(".gitignore"))).contains("k8s/secrets.env");
    }

    @Test
    void shouldAlertOnlyOnMetricsTheCodeRegisters() throws IOException {
        Map<String, Object> rule = only("PrometheusRule");
        assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        Set<String> used = AlertRuleMetrics.names(Files.readString(K8S.resolve("prometheus-rules.yaml")));
        Set<String> registered = new HashSet<>();
        Pattern meter = Pattern.compile("\"(mongo_pg_sync\\.[a-z0-9_.]+)\"");
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = meter.matcher(Files.readString(source));
                while (m.find()) {
                    registered.add(m.group(1).replace('.', '_'));
                }
            }
        }
        List<String> suffixes = List.of("", "_total", "_seconds", "_bytes", "_seconds_count", "_seconds_sum",
                "_seconds_max", "_seconds_bucket");
        assertThat(used).isNotEmpty();
        for (String metric : used) {
            assertThat(registered.stream().anyMatch(r -> suffixes.stream().anyMatch(s -> metric.equals(r + s))))
                    .as("%s (k8s/prometheus-rules.yaml) is a meter of src/main/java %s", metric, registered).isTrue();
        }
        List<String> alerts = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) at(rule, "spec.groups")) {
            ((List<Map<String, Object>>) group.get("rules")).forEach(r -> alerts.add(String.valueOf(r.get("expr"))));
        }
        assertThat(String.join("\n", alerts)).contains("status=\"failed\"").contains("rejected")
                .contains("2 *").contains("target_schema_size");
    }
}
