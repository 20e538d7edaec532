package io.mongopgsync.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Cross-site request protection. The API uses no cookies or sessions (every call carries a bearer token a browser
 * never adds on its own), so classic CSRF cannot ride on a victim's session; as a second line, a changing call
 * (POST, PUT, PATCH, DELETE) whose browser-set Origin header names another site is refused with 403 unless that
 * origin is listed in {@code sync.security.allowed-origins}; so is one without Origin that the browser marks as sent
 * from another site (Sec-Fetch-Site). Calls without either header (curl, scripts) pass. Whatever the origin, a body
 * of a changing call must be JSON (RequestGuardFilter), which no page of another site can send without a CORS
 * preflight the service never grants; a body-less one must carry the bearer token, which a browser never adds on
 * its own.
 */
final class OriginCheckFilter extends OncePerRequestFilter {

    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> CROSS_SITE = Set.of("cross-site", "same-site");

    private final Set<String> allowed;
    private final SecurityErrors errors;

    OriginCheckFilter(List<String> allowedOrigins, SecurityErrors errors) {
        this.allowed = allowedOrigins.stream().filter(o -> o != null && !o.isBlank()).map(OriginCheckFilter::normalise).collect(Collectors.toUnmodifiableSet());
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (CHANGING.contains(request.getMethod())) {
            if (origin != null && !isAllowed(normalise(origin), request)) {
                errors.write(response, 403, "forbidden_origin", "Cross-site request refused: origin '" + origin
                        + "' is neither this service's own origin nor listed in sync.security.allowed-origins");
                return;
            }
            String fetchSite = request.getHeader("Sec-Fetch-Site");
            if (origin == null && fetchSite != null && CROSS_SITE.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
                // a browser that left Origin out (privacy settings) still says where the request comes from
                errors.write(response, 403, "forbidden_origin", "Cross-site request refused: the browser marks it as "
                        + "sent from another site (Sec-Fetch-Site: " + fetchSite + ") and it names no origin that "
                        + "sync.security.allowed-origins could allow");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private boolean isAllowed(String origin, HttpServletRequest request) {
        return origin.equals(ownOrigin(request)) || allowed.contains(origin);
    }

    /** scheme://host[:port] as the browser would write it for this request (default ports left out). */
    static String ownOrigin(HttpServletRequest request) {
        String scheme = request.getScheme().toLowerCase(Locale.ROOT);
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return normalise(scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port));
    }

    static String normalise(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
