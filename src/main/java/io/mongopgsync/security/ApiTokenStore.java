package io.mongopgsync.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** dra_api_tokens: API tokens by the SHA-256 of their secret. */
@Repository
public class ApiTokenStore {

    private static final String COLUMNS = "id, name, role, token_hint, origin, created_by, created_at, expires_at, "
            + "revoked_at, revoked_by, last_used_at";
    /** A token that may still be used. */
    private static final String LIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

    private final JdbcClient jdbc;

    public ApiTokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored token, without its secret. */
    public record StoredToken(long id, String name, Role role, String hint, String origin, String createdBy,
                              Instant createdAt, Instant expiresAt, Instant revokedAt, String revokedBy,
                              Instant lastUsedAt) {

        public String status(Instant now) {
            if (revokedAt != null) {
                return "revoked";
            }
            return expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active";
        }
    }

    /** Inserts a token; a live token with the same name surfaces as Spring's DuplicateKeyException. */
    public StoredToken insert(String name, Role role, String secret, String origin, String createdBy, Instant expiresAt) {
        return jdbc.sql("INSERT INTO dra_api_tokens (name, role, token_hash, token_hint, origin, created_by, expires_at) "
                        + "VALUES (:name, :role, :hash, :hint, :origin, :createdBy, :expiresAt) RETURNING " + COLUMNS)
                .param("name", name).param("role", role.value()).param("hash", ApiTokenSecrets.hash(secret))
                .param("hint", ApiTokenSecrets.hint(secret)).param("origin", origin).param("createdBy", createdBy)
                .param("expiresAt", expiresAt == null ? null : Timestamp.from(expiresAt))
                .query(ApiTokenStore::map).single();
    }

    public Optional<StoredToken> findBySecret(String secret) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_api_tokens WHERE token_hash = :hash")
                .param("hash", ApiTokenSecrets.hash(secret)).query(ApiTokenStore::map).optional();
    }

    public Optional<StoredToken> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_api_tokens WHERE id = :id")
                .param("id", id).query(ApiTokenStore::map).optional();
    }

    public List<StoredToken> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_api_tokens ORDER BY id").query(ApiTokenStore::map).list();
    }

    /** Revokes a token; true when it was live until now. */
    public boolean revoke(long id, String revokedBy) {
        return jdbc.sql("UPDATE dra_api_tokens SET revoked_at = now(), revoked_by = :by "
                        + "WHERE id = :id AND revoked_at IS NULL")
                .param("id", id).param("by", revokedBy).update() == 1;
    }

    /** Revokes the live tokens of an origin other than the one with this secret (a replaced bootstrap token). */
    public int revokeOthersOfOrigin(String origin, String keptSecret, String revokedBy) {
        return jdbc.sql("UPDATE dra_api_tokens SET revoked_at = now(), revoked_by = :by "
                        + "WHERE origin = :origin AND revoked_at IS NULL AND token_hash <> :hash")
                .param("origin", origin).param("hash", ApiTokenSecrets.hash(keptSecret)).param("by", revokedBy).update();
    }

    /** Records use at most once a minute per token, so that authentication rarely writes. */
    public void touch(long id) {
        jdbc.sql("UPDATE dra_api_tokens SET last_used_at = now() WHERE id = :id "
                        + "AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
                .param("id", id).update();
    }

    public long countLive() {
        return jdbc.sql("SELECT count(*) FROM dra_api_tokens WHERE " + LIVE).query(Long.class).single();
    }

    public long countLiveAdmins() {
        return jdbc.sql("SELECT count(*) FROM dra_api_tokens WHERE role = 'admin' AND " + LIVE).query(Long.class).single();
    }

    private static StoredToken map(ResultSet rs, int row) throws SQLException {
        return new StoredToken(rs.getLong("id"), rs.getString("name"), Role.parse(rs.getString("role")).orElseThrow(),
                rs.getString("token_hint"), rs.getString("origin"), rs.getString("created_by"),
                instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"),
                rs.getString("revoked_by"), instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
