package io.mongopgsync.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.api.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401, 403 and 503 of the security layer in the API's error shape {@code {error, message}}. */
final class SecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String HOW_TO_AUTHENTICATE = "send an API token or an OIDC access token as 'Authorization: Bearer <token>'";

    private final ObjectMapper mapper;

    SecurityErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof IdentityProviderUnavailableException) {
            write(response, 503, "identity_provider_unavailable", failure.getMessage());
            return;
        }
        if (failure instanceof InvalidBearerTokenException) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            write(response, 401, "invalid_token", failure.getMessage() + "; " + HOW_TO_AUTHENTICATE);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        write(response, 401, "unauthorized", "Authentication required: " + HOW_TO_AUTHENTICATE);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        String message = denied instanceof AuthorizationDeniedException d && d.getAuthorizationResult() instanceof AccessDecision a
                ? a.reason() : "Access denied to " + request.getMethod() + " " + RequestPaths.path(request);
        write(response, 403, "forbidden", message);
    }

    void write(HttpServletResponse response, int status, String error, String message) throws IOException {
        ErrorResponses.write(mapper, response, status, error, message);
    }
}
