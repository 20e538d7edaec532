package io.mongopgsync.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestSummariesTest {

    private final RequestSummaries summaries = new RequestSummaries(new ObjectMapper());

    private JsonNode summarize(String query, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        return summaries.summarize(query, "application/json", body, body.length, false);
    }

    @Test
    void shouldRedactConnectionStringsAndDropSecretFields() {
        JsonNode summary = summarize(null, """
                {"name": "shop", "connectionString": "mongodb://reporter:Hunter2@db:27017/shop?authSource=admin",
                 "description": "copy of mongodb://x:Pa55@old:27017/",
                 "connectionDetails": {"host": "db", "username": "reporter", "password": "Hunter2"},
                 "apiToken": "mps_abc", "syncConfig": {"batchSize": 500}}""");

        assertThat(summary.toString()).doesNotContain("Hunter2").doesNotContain("Pa55").doesNotContain("mps_abc");
        JsonNode body = summary.get("body");
        assertThat(body.get("connectionString").asText()).isEqualTo("mongodb://reporter:****@db:27017/shop?authSource=admin");
        assertThat(body.get("description").asText()).isEqualTo("copy of mongodb://x:****@old:27017/");
        assertThat(body.get("connectionDetails").has("password")).isFalse();
        assertThat(body.get("connectionDetails").get("username").asText()).isEqualTo("reporter");
        assertThat(body.get("syncConfig").get("batchSize").asInt()).isEqualTo(500);
    }

    @Test
    void shouldKeepQueryParametersButNotSecretOnes() {
        JsonNode summary = summarize("dropTables=true&token=mps_secret&access_key=k", null);

        assertThat(summary.get("query").get("dropTables").asText()).isEqualTo("true");
        assertThat(summary.toString()).doesNotContain("mps_secret").doesNotContain("access_key");
        assertThat(summary.has("body")).isFalse();
    }

    @Test
    void shouldRecordOnlyTheSizeOfBodiesItCannotClean() {
        byte[] text = "password=Hunter2".getBytes(StandardCharsets.UTF_8);
        JsonNode form = summaries.summarize(null, "application/x-www-form-urlencoded", text, text.length, false);
        byte[] cut = "{\"password\": \"Hunt".getBytes(StandardCharsets.UTF_8);
        JsonNode large = summaries.summarize(null, "application/json", cut, 20_000, true);
        JsonNode malformed = summarize(null, "{\"password\": ");

        assertThat(form.get("bodyBytes").asLong()).isEqualTo(text.length);
        assertThat(form.toString()).doesNotContain("Hunter2");
        assertThat(large.get("bodyBytes").asLong()).isEqualTo(20_000);
        assertThat(large.toString()).doesNotContain("Hunt");
        assertThat(malformed.get("body").asText()).contains("malformed");
    }

    @Test
    void shouldCutLongStrings() {
        JsonNode summary = summarize(null, "{\"description\": \"" + "x".repeat(2000) + "\"}");

        assertThat(summary.get("body").get("description").asText()).hasSize(RequestSummaries.MAX_STRING + 1);
    }
}
