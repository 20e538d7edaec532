package io.mongopgsync.transform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.source.SecretCipher;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The service's field actions. Names and parameters follow Camel's action kamelets where they overlap
 * ({@code drop-field}, {@code replace-field}, {@code mask-field}, {@code insert-field}).
 */
public final class FieldActions {

    private FieldActions() {
    }

    /** {@code drop-field}: removes fields (dotted paths reach nested documents). */
    public record DropFields(List<FieldPath> fields) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            fields.forEach(f -> f.remove(document));
        }

        @Override
        public String describe() {
            return "drop-field " + join(fields);
        }
    }

    /** {@code replace-field} with {@code enabled}: keeps only these fields (and {@code _id}). */
    public record KeepFields(List<FieldPath> fields) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            BsonDocument kept = new BsonDocument();
            BsonValue id = document.get("_id");
            if (id != null) {
                kept.put("_id", id);
            }
            for (FieldPath f : fields) {
                BsonValue value = f.get(document);
                if (value != null) {
                    f.put(kept, value);
                }
            }
            document.clear();
            document.putAll(kept);
        }

        @Override
        public String describe() {
            return "replace-field enabled " + join(fields);
        }
    }

    /** {@code replace-field} with {@code renames}: moves each value to its new path, in the order given. */
    public record RenameFields(Map<FieldPath, FieldPath> renames) implements FieldAction {
        public RenameFields {
            renames = new LinkedHashMap<>(renames);
        }

        @Override
        public void apply(BsonDocument document) {
            renames.forEach((from, to) -> {
                BsonValue value = from.remove(document);
                if (value != null) {
                    to.put(document, value);
                }
            });
        }

        @Override
        public String describe() {
            return "replace-field renames " + renames.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(","));
        }
    }

    /** {@code mask-field} mode {@code redact}: the value is replaced by a constant. */
    public record RedactFields(List<FieldPath> fields, String replacement) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            BsonString constant = new BsonString(replacement);
            fields.forEach(f -> f.replace(document, v -> constant));
        }

        @Override
        public String describe() {
            return "mask-field redact " + join(fields);
        }
    }

    /**
     * {@code mask-field} mode {@code hash}: the value becomes the lower-case hex HMAC-SHA-256 of its text (a
     * string's own characters, any other value's canonical Extended JSON) under a secret key, so equal values hash
     * alike and joins on the hashed column still work, while the value cannot be looked up without the key.
     */
    public record HashFields(List<FieldPath> fields, byte[] key, String keyRef) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            fields.forEach(f -> f.replace(document, v -> v.isNull() ? v : new BsonString(hmac(key, text(v)))));
        }

        @Override
        public String describe() {
            return "mask-field hash " + join(fields) + " key " + keyRef;
        }
    }

    /** {@code mask-field} mode {@code encrypt}: the value's text encrypted with AES-GCM under a named key. */
    public record EncryptFields(List<FieldPath> fields, SecretCipher cipher, String keyRef) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            fields.forEach(f -> f.replace(document, v -> v.isNull() ? v : new BsonString(cipher.encrypt(text(v)))));
        }

        @Override
        public String describe() {
            return "mask-field encrypt " + join(fields) + " key " + keyRef;
        }
    }

    /** {@code insert-field}: a computed value from an expression over the document. */
    public record InsertField(FieldPath field, String language, String expression,
                              Function<BsonDocument, BsonValue> evaluator) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            field.put(document, evaluator.apply(document));
        }

        @Override
        public String describe() {
            return "insert-field " + field + " " + language + " " + expression;
        }
    }

    static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
        }
    }

    private static String text(BsonValue value) {
        return value.isString() ? value.asString().getValue() : ExtendedJson.canonicalValue(value);
    }

    private static String join(List<FieldPath> fields) {
        return fields.stream().map(FieldPath::text).collect(Collectors.joining(","));
    }
}
