package io.mongopgsync.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Leaves the authenticated caller on the request: the REST routes run on Camel's threads, where the security
 * context of the servlet thread is not visible, and the audit reads it after the chain has answered.
 */
final class CallerAttributeFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller.of(SecurityContextHolder.getContext().getAuthentication())
                .ifPresent(caller -> request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller));
        chain.doFilter(request, response);
    }
}
