package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document at /api/openapi.json parses as OpenAPI 3 and lists every REST operation that the route files
 * in routes/ declare (read from the files themselves, so routes added later are covered), with its method.
 */
@ServiceIT
class OpenApiDocumentIT {

    static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch", "head");

    @LocalServerPort
    int port;

    ApiClient api;
    OpenAPI document;
    ApiClient.Response response;

    record RestOperation(String file, String method, String path, String id) {
    }

    @BeforeEach
    void fetch() {
        api = new ApiClient(port);
        response = api.get("/api/openapi.json");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        SwaggerParseResult parsed = new OpenAPIParser().readContents(response.body(), null, null);
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        document = parsed.getOpenAPI();
    }

    /** Every operation of every rest: block in routes/*.camel.yaml. */
    @SuppressWarnings("unchecked")
    static List<RestOperation> declaredOperations() throws IOException {
        List<RestOperation> operations = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                Object loaded = new Yaml().load(Files.readString(file));
                if (!(loaded instanceof List<?> elements)) {
                    continue;
                }
                for (Object element : elements) {
                    Map<String, Object> rest = element instanceof Map<?, ?> m ? (Map<String, Object>) m.get("rest") : null;
                    if (rest == null) {
                        continue;
                    }
                    String base = rest.get("path") == null ? "" : (String) rest.get("path");
                    for (String method : METHODS) {
                        for (Map<String, Object> verb : (List<Map<String, Object>>) rest.getOrDefault(method, List.of())) {
                            String path = (base + (verb.get("path") == null ? "" : verb.get("path")))
                                    .replaceAll("/+", "/");
                            operations.add(new RestOperation(file.getFileName().toString(), method, path,
                                    (String) verb.get("id")));
                        }
                    }
                }
            }
        }
        return operations;
    }

    @Test
    void shouldParseAsOpenApi3() {
        assertThat(document).isNotNull();
        assertThat(document.getOpenapi()).startsWith("3.");
        assertThat(document.getInfo().getTitle()).isEqualTo("mongo-pg-sync REST API");
    }

    @Test
    void shouldListEveryRestOperationOfTheRouteFilesWithItsMethod() throws IOException {
        List<RestOperation> declared = declaredOperations();
        assertThat(declared).extracting(RestOperation::path).contains("/api/data-sources", "/api/data-sources/{id}/sync",
                "/api/admin/re-encrypt", "/api/openapi.json");
        for (RestOperation op : declared) {
            PathItem item = document.getPaths().get(op.path());
            assertThat(item).as("%s %s (%s) in the OpenAPI document", op.method(), op.path(), op.file()).isNotNull();
            Operation operation = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(
                    op.method().toUpperCase(Locale.ROOT)));
            assertThat(operation).as("%s %s (%s)", op.method(), op.path(), op.file()).isNotNull();
            assertThat(operation.getOperationId()).isEqualTo(op.id());
        }
        long documented = document.getPaths().values().stream().mapToLong(p -> p.readOperations().size()).sum();
        assertThat(documented).isEqualTo(declared.size());
    }

    @Test
    void shouldDeclareBothWaysToAuthenticateAndTheErrorBody() {
        assertThat(document.getComponents().getSecuritySchemes()).containsKeys("bearerJwt", "apiToken");
        assertThat(document.getComponents().getSecuritySchemes().get("bearerJwt").getBearerFormat()).isEqualTo("JWT");
        assertThat(document.getSecurity()).hasSize(2);
        assertThat(document.getComponents().getSchemas().get("Error").getRequired()).contains("error", "message");
        Operation get = document.getPaths().get("/api/data-sources/{id}").getGet();
        assertThat(get.getResponses()).containsKeys("200", "400", "401", "403", "404");
        assertThat(get.getResponses().get("404").getContent().get("application/json").getSchema().get$ref())
                .endsWith("/Error");
        assertThat(get.getParameters()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("id");
            assertThat(p.getIn()).isEqualTo("path");
        });
    }

    @Test
    void shouldServeABrowsablePage() {
        ApiClient.Response page = api.get("/api-docs.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/api/openapi.json").contains("swagger-ui-bundle.js");
        ApiClient.Response bundle = api.get("/webjars/swagger-ui/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
    }
}
