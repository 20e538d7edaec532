package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessRulesTest {

    @Test
    void shouldLoadTheDashboardFilesProbesAndApiDescriptionWithoutAToken() {
        for (String path : new String[] {"/", "/index.html", "/app.js", "/style.css", "/favicon.ico",
                "/webjars/chart/chart.min.js", "/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/api/openapi.json", "/api-docs.html", "/js/app.js"}) {
            assertThat(AccessRules.accessFor("GET", path)).as(path).isEqualTo(Access.ANONYMOUS);
        }
    }

    @Test
    void shouldGiveEachRoleItsOperations() {
        assertThat(AccessRules.accessFor("GET", "/api/data-sources/7/history")).isEqualTo(Access.VIEWER);
        assertThat(AccessRules.accessFor("POST", "/api/data-sources/7/sync")).isEqualTo(Access.OPERATOR);
        assertThat(AccessRules.accessFor("POST", "/api/data-sources/7/sync/cancel")).isEqualTo(Access.OPERATOR);
        assertThat(AccessRules.accessFor("DELETE", "/api/data-sources/7")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("PUT", "/api/data-sources/7/sync-config")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("GET", "/api/data-sources/7/verify/3")).isEqualTo(Access.VIEWER);
        assertThat(AccessRules.accessFor("POST", "/api/data-sources/7/stream/pause")).isEqualTo(Access.OPERATOR);
        assertThat(AccessRules.accessFor("GET", "/api/me")).isEqualTo(Access.AUTHENTICATED);
    }

    @Test
    void shouldTreatRejectsAndQueryResultsAsDataForOperatorsUnlessViewersMayReadData() {
        Access rejects = AccessRules.accessFor("GET", "/api/data-sources/7/rejects");
        Access query = AccessRules.accessFor("POST", "/api/data-sources/7/query");

        assertThat(rejects).isEqualTo(Access.VIEWER_IF_DATA_ALLOWED);
        assertThat(query).isEqualTo(Access.VIEWER_IF_DATA_ALLOWED);
        assertThat(rejects.minimalRole(false)).isEqualTo(Role.OPERATOR);
        assertThat(rejects.minimalRole(true)).isEqualTo(Role.VIEWER);
    }

    @Test
    void shouldCloseEverythingNotListedToAllButAdmins() {
        assertThat(AccessRules.accessFor("GET", "/api/something-new")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("PATCH", "/api/data-sources/7")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("POST", "/api/me")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("GET", "/actuator/env")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("GET", "/api/admin/keys")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("GET", "/somewhere/else.js")).isEqualTo(Access.ADMIN);
        // A trailing slash is another path: it does not slip past the exact rule.
        assertThat(AccessRules.accessFor("GET", "/api/data-sources/")).isEqualTo(Access.ADMIN);
    }

    @Test
    void shouldGiveMetricsToViewersAndOtherActuatorEndpointsToAdmins() {
        assertThat(AccessRules.accessFor("GET", "/actuator/metrics")).isEqualTo(Access.VIEWER);
        assertThat(AccessRules.accessFor("GET", "/actuator/metrics/mongo_pg_sync.documents.synced")).isEqualTo(Access.VIEWER);
        assertThat(AccessRules.accessFor("GET", "/actuator/prometheus")).isEqualTo(Access.VIEWER);
        assertThat(AccessRules.accessFor("GET", "/actuator")).isEqualTo(Access.ADMIN);
        assertThat(AccessRules.accessFor("POST", "/actuator/loggers/root")).isEqualTo(Access.ADMIN);
    }

    @Test
    void shouldNameTheRouteAndItsVariables() {
        AccessRules.Match match = AccessRules.match("POST", "/api/data-sources/42/sync");

        assertThat(match.rule().pattern()).isEqualTo("/api/data-sources/{id}/sync");
        assertThat(match.rule().isRoute()).isTrue();
        assertThat(match.variables()).containsEntry("id", "42");
        assertThat(AccessRules.match("GET", "/api/admin/x").rule().isRoute()).isFalse();
    }
}
