package io.mongopgsync.security;

import jakarta.servlet.http.HttpServletRequest;

/** The path of a request as the access rules see it: without the context path, not decoded. */
public final class RequestPaths {

    private RequestPaths() {
    }

    public static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }
}
