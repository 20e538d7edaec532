package io.mongopgsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While PostgreSQL is known to be gone, every API call (which needs it, if only to check the caller's token) is
 * answered 503 {@code database_unavailable} at once instead of after the pool's connection timeout. Runs before the
 * security filters for that reason. The description of the API needs no database and stays served.
 */
public final class DatabaseUnavailableFilter extends OncePerRequestFilter {

    static final int RETRY_AFTER_SECONDS = 5;

    private final DatabaseAvailability availability;
    private final ObjectMapper mapper;

    public DatabaseUnavailableFilter(DatabaseAvailability availability, ObjectMapper mapper) {
        this.availability = availability;
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String reason = availability.downReason();
        String path = request.getServletPath();
        if (reason != null && path.startsWith("/api/") && !path.equals("/api/openapi.json")) {
            response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            ErrorResponses.write(mapper, response, 503, "database_unavailable", reason
                    + "; the service answers again as soon as PostgreSQL is back");
            return;
        }
        chain.doFilter(request, response);
    }
}
