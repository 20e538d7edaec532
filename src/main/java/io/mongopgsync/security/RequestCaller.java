package io.mongopgsync.security;

import io.mongopgsync.api.ApiException;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

/**
 * The caller of the HTTP request a REST route is answering, as the security filters left it on the request. It is
 * reached through the route's HTTP message, so it must be read before a step that replaces the message (such as
 * convertBodyTo).
 */
public final class RequestCaller {

    private RequestCaller() {
    }

    /** The caller; a route reached without authentication (which the access rules prevent) is answered 401. */
    public static Caller of(Exchange exchange) {
        PlatformHttpMessage message = exchange.getIn(PlatformHttpMessage.class);
        Object caller = message == null ? null : message.getRequest().getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (caller instanceof Caller c) {
            return c;
        }
        throw new ApiException(401, "unauthorized", "Authentication required: " + SecurityErrors.HOW_TO_AUTHENTICATE);
    }
}
