package io.mongopgsync.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by an API token; the token itself is not kept. */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;
    private final long tokenId;

    ApiTokenAuthentication(long tokenId, Caller caller) {
        super(List.of(new SimpleGrantedAuthority(caller.role().authority())));
        this.tokenId = tokenId;
        this.caller = caller;
        setAuthenticated(true);
    }

    Caller caller() {
        return caller;
    }

    long tokenId() {
        return tokenId;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return caller.subject();
    }
}
