package io.mongopgsync.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Where a request's bearer token is read: the Authorization header; for the dashboard's event stream
 * (GET /api/events) also the {@code access_token} query parameter, because a browser's EventSource cannot set
 * headers. The audit never records that parameter (its name marks it as a secret).
 */
final class BearerTokens implements BearerTokenResolver {

    static final String EVENTS = "/api/events";

    private final DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    private final DefaultBearerTokenResolver headerOrQuery = new DefaultBearerTokenResolver();

    BearerTokens() {
        headerOrQuery.setAllowUriQueryParameter(true);
    }

    @Override
    public String resolve(HttpServletRequest request) {
        boolean events = "GET".equals(request.getMethod()) && EVENTS.equals(RequestPaths.path(request));
        return (events ? headerOrQuery : header).resolve(request);
    }
}
