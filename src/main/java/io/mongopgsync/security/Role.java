package io.mongopgsync.security;

import java.util.Locale;
import java.util.Optional;

/** The roles, each including everything the ones before it may do. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** The name used in the API, in tokens and in JWT role claims. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** The Spring Security authority that carries this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    public static Optional<Role> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.value().equalsIgnoreCase(value.trim())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    public static Optional<Role> fromAuthority(String authority) {
        for (Role role : values()) {
            if (role.authority().equals(authority)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
