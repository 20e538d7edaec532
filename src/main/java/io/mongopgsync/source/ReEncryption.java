package io.mongopgsync.source;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Re-encrypts every stored connection string with the primary key, after a key rotation: once done, the previous
 * keys can be removed from the configuration. Each source is updated on its own and only if its stored value is
 * still the one read, so a concurrent update of a source (already encrypted with the primary key) wins.
 */
@Service
public class ReEncryption {

    private static final Logger log = LoggerFactory.getLogger(ReEncryption.class);

    /** A source whose connection string no configured key decrypts; the message names no secret. */
    public record Failure(long id, String name, String message) {
    }

    public record Result(String primaryKeyId, int dataSources, int reEncrypted, int alreadyCurrent,
                         List<Failure> failed) {
    }

    private record Stored(long id, String name, String encrypted) {
    }

    private final JdbcClient jdbc;
    private final SecretCipher cipher;

    public ReEncryption(JdbcClient jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    public Result run() {
        List<Stored> sources = jdbc.sql("SELECT id, name, connection_string_encrypted FROM dra_data_sources ORDER BY id")
                .query((rs, n) -> new Stored(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
        int reEncrypted = 0;
        int current = 0;
        List<Failure> failed = new ArrayList<>();
        for (Stored source : sources) {
            if (!cipher.needsReEncryption(source.encrypted())) {
                current++;
                continue;
            }
            String plain;
            try {
                plain = cipher.decrypt(source.encrypted());
            } catch (IllegalStateException e) {
                failed.add(new Failure(source.id(), source.name(), e.getMessage()));
                continue;
            }
            int updated = jdbc.sql("UPDATE dra_data_sources SET connection_string_encrypted = :now "
                            + "WHERE id = :id AND connection_string_encrypted = :before")
                    .param("now", cipher.encrypt(plain)).param("id", source.id()).param("before", source.encrypted())
                    .update();
            if (updated == 1) {
                reEncrypted++;
            } else {
                current++; // changed or deleted meanwhile: whatever is stored now was written with the primary key
            }
        }
        log.info("Re-encrypted {} of {} stored connection strings with key {} ({} already used it, {} failed{})",
                reEncrypted, sources.size(), cipher.primaryKeyId(), current, failed.size(),
                failed.isEmpty() ? "" : ": data sources " + failed.stream().map(f -> f.id() + " '" + f.name() + "'")
                        .toList());
        return new Result(cipher.primaryKeyId(), sources.size(), reEncrypted, current, failed);
    }
}
