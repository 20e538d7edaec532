package io.mongopgsync.audit;

import io.mongopgsync.security.AccessRules;
import io.mongopgsync.security.Caller;
import io.mongopgsync.security.RequestPaths;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Records every changing call (POST, PUT, PATCH, DELETE) and every refused one (401, 403) once it has been
 * answered. It sits in the security filter chain ahead of authentication, so it sees refusals of every kind and,
 * through the request attribute the chain leaves, who the caller was. The REST routes answer asynchronously, so
 * the row is written when the asynchronous answer completes. Of a body it keeps at most
 * {@link RequestSummaries#BODY_LIMIT} bytes, as they are read.
 */
public final class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog auditLog;
    private final RequestSummaries summaries;

    public AuditFilter(AuditLog auditLog, RequestSummaries summaries) {
        this.auditLog = auditLog;
        this.summaries = summaries;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean changing = CHANGING.contains(request.getMethod());
        CappedBody wrapped = changing ? new CappedBody(request) : null;
        try {
            chain.doFilter(wrapped != null ? wrapped : request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(request, wrapped, response.getStatus(), changing);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        // onComplete follows
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        // onComplete follows
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        event.getAsyncContext().addListener(this);
                    }
                });
            } else {
                record(request, wrapped, response.getStatus(), changing);
            }
        }
    }

    private void record(HttpServletRequest request, CappedBody body, int status, boolean changing) {
        if (!changing && status != 401 && status != 403) {
            return;
        }
        String path = RequestPaths.path(request);
        AccessRules.Match match = AccessRules.match(request.getMethod(), path);
        String action = request.getMethod() + " " + (match.rule().isRoute() ? match.rule().pattern() : cap(path, 300));
        try {
            Caller caller = request.getAttribute(Caller.REQUEST_ATTRIBUTE) instanceof Caller c ? c : null;
            String summary = summaries.summarize(request.getQueryString(), request.getContentType(),
                    body == null ? new byte[0] : body.getContentAsByteArray(), request.getContentLengthLong(),
                    body != null && body.cut).toString();
            auditLog.add(caller == null ? null : caller.subject(),
                    caller == null || caller.role() == null ? null : caller.role().value(),
                    caller == null ? null : caller.authMethod(), action, target(match), status,
                    request.getRemoteAddr(), summary);
        } catch (RuntimeException e) {
            log.error("Audit log: could not record {} (answered {}): {}", action, status, e.getMessage());
        }
    }

    /** The object a call is about: the pattern's path up to its last variable, with the values filled in. */
    static String target(AccessRules.Match match) {
        String pattern = match.rule().pattern();
        Map<String, String> variables = match.variables();
        if (variables.isEmpty() || !match.rule().isRoute()) {
            return null;
        }
        int end = pattern.lastIndexOf('}') + 1;
        String target = pattern.substring(0, end);
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            target = target.replace("{" + variable.getKey() + "}", variable.getValue());
        }
        return cap(target, 300);
    }

    private static String cap(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "…" : text;
    }

    /** Keeps what is read of a body up to the limit, and notes when there was more. */
    private static final class CappedBody extends ContentCachingRequestWrapper {

        private boolean cut;

        CappedBody(HttpServletRequest request) {
            super(request, RequestSummaries.BODY_LIMIT);
        }

        @Override
        protected void handleContentOverflow(int contentCacheLimit) {
            cut = true;
        }
    }
}
