package io.mongopgsync.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/** Decides every request by {@link AccessRules}: the caller's role must include the rule's minimal role. */
final class RuleAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

    private final boolean viewersReadData;

    RuleAuthorization(boolean viewersReadData) {
        this.viewersReadData = viewersReadData;
    }

    @Override
    public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        // Error pages and the completion of asynchronous answers belong to a request that was already decided.
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            return AccessDecision.granted();
        }
        AccessRules.Match match = AccessRules.match(request.getMethod(), RequestPaths.path(request));
        Access access = match.rule().access();
        if (access == Access.ANONYMOUS) {
            return AccessDecision.granted();
        }
        Optional<Caller> caller = Caller.of(authentication.get());
        if (caller.isEmpty()) {
            // Anonymous: Spring Security answers with the authentication entry point (401).
            return AccessDecision.denied("authentication required");
        }
        if (access == Access.AUTHENTICATED) {
            return AccessDecision.granted();
        }
        Role needed = access.minimalRole(viewersReadData);
        Role role = caller.get().role();
        if (role != null && role.includes(needed)) {
            return AccessDecision.granted();
        }
        String action = request.getMethod() + " " + (match.rule().isRoute() ? match.rule().pattern() : RequestPaths.path(request));
        String who = role == null ? "A caller without one of the roles viewer, operator or admin"
                : "Role '" + role.value() + "'";
        String why = access == Access.VIEWER_IF_DATA_ALLOWED && !viewersReadData
                ? " (it answers with documents, which viewers may read only when sync.security.viewers-read-data is true)"
                : "";
        return AccessDecision.denied(who + " may not " + action + ": it needs '" + needed.value() + "' or higher" + why);
    }
}
