package io.mongopgsync.transform;

import io.mongopgsync.source.SecretCipher;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a transform file ({@code *.sync.yaml}): a list of entries, each naming a data source and a collection
 * (or {@code "*"}), with an optional {@code filter}, {@code table} and {@code steps}. Every problem is reported
 * with the file, the line and what is wrong; nothing of a broken file is used.
 */
public final class TransformFileParser {

    /** Resolves a key reference ({@code env:NAME}, {@code file:/path} or a configured key name) to its text. */
    public interface KeyResolver {
        String resolve(String reference);
    }

    /** Compiles an expression of a Camel language into a function of the document. */
    public interface ExpressionCompiler {
        Function<BsonDocument, BsonValue> compile(String language, String expression);
    }

    static final Set<String> ENTRY_KEYS = Set.of("source", "collection", "table", "filter", "steps");
    static final List<String> STEP_NAMES = List.of("drop-field", "replace-field", "mask-field", "insert-field", "to");

    private final KeyResolver keys;
    private final ExpressionCompiler expressions;

    public TransformFileParser(KeyResolver keys, ExpressionCompiler expressions) {
        this.keys = keys;
        this.expressions = expressions;
    }

    public List<TransformRule> parse(String file, String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw TransformException.at(file, line, "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw TransformException.at(file, 0, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof SequenceNode entries)) {
            throw TransformException.at(file, line(root), "must be a list of entries (- source: …, collection: …)");
        }
        List<TransformRule> rules = new ArrayList<>();
        for (Node entry : entries.getValue()) {
            rules.add(entry(file, entry));
        }
        return rules;
    }

    private TransformRule entry(String file, Node node) {
        Map<String, NodeTuple> fields = mapping(file, node, "an entry", ENTRY_KEYS);
        String source = requiredText(file, node, fields, "source");
        String collection = requiredText(file, node, fields, "collection");
        String table = optionalText(file, fields, "table");
        if (table != null) {
            if (collection.equals(TransformRule.ALL_COLLECTIONS)) {
                throw TransformException.at(file, line(fields.get("table").getKeyNode()),
                        "table can only be set for one collection, not for \"*\"");
            }
            if (!table.matches("[a-z_][a-z0-9_]*") || table.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
                throw TransformException.at(file, line(fields.get("table").getValueNode()), "table '" + table
                        + "' must be a lower-case PostgreSQL name ([a-z_][a-z0-9_]*) of at most 63 bytes");
            }
        }
        BsonDocument filter = fields.containsKey("filter") ? TransformFilters.parse(file, fields.get("filter").getValueNode()) : null;
        List<TransformStep> steps = new ArrayList<>();
        List<String> keyFingerprints = new ArrayList<>();
        if (fields.containsKey("steps")) {
            Node stepsNode = fields.get("steps").getValueNode();
            if (!(stepsNode instanceof SequenceNode list)) {
                throw TransformException.at(file, line(stepsNode), "steps must be a list");
            }
            for (Node step : list.getValue()) {
                steps.add(step(file, step, keyFingerprints));
            }
        }
        return new TransformRule(file, line(node), source, collection, table, filter, List.copyOf(steps),
                List.copyOf(keyFingerprints));
    }

    // ------------------------------------------------------------------------------------------------- steps

    private TransformStep step(String file, Node node, List<String> keyFingerprints) {
        if (!(node instanceof MappingNode map) || map.getValue().size() != 1) {
            throw TransformException.at(file, line(node), "a step is one of " + STEP_NAMES + " with its parameters, "
                    + "e.g. - drop-field: {field: notes}");
        }
        NodeTuple tuple = map.getValue().get(0);
        String name = scalar(file, tuple.getKeyNode(), "step name");
        Node params = tuple.getValueNode();
        int line = line(tuple.getKeyNode());
        try {
            return switch (name) {
                case "drop-field" -> {
                    Map<String, NodeTuple> p = mapping(file, params, "drop-field", Set.of("field", "fields"));
                    List<FieldPath> fields = paths(file, p, "field", "fields");
                    yield new TransformStep.Action(new FieldActions.DropFields(fields));
                }
                case "replace-field" -> new TransformStep.Action(replaceField(file, params));
                case "mask-field" -> new TransformStep.Action(maskField(file, params, keyFingerprints));
                case "insert-field" -> new TransformStep.Action(insertField(file, params));
                case "to" -> routeStep(file, params);
                default -> throw TransformException.at(file, line, "unknown step '" + name + "'; known steps: "
                        + String.join(", ", STEP_NAMES));
            };
        } catch (IllegalArgumentException e) {
            throw TransformException.at(file, line, name + ": " + e.getMessage());
        }
    }

    private FieldAction replaceField(String file, Node params) {
        Map<String, NodeTuple> p = mapping(file, params, "replace-field", Set.of("enabled", "disabled", "renames"));
        List<FieldAction> parts = new ArrayList<>();
        List<FieldPath> enabled = p.containsKey("enabled") ? list(file, p.get("enabled").getValueNode()) : List.of();
        List<FieldPath> disabled = p.containsKey("disabled") ? list(file, p.get("disabled").getValueNode()) : List.of();
        Map<FieldPath, FieldPath> renames = new LinkedHashMap<>();
        if (p.containsKey("renames")) {
            Node r = p.get("renames").getValueNode();
            if (r instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    renames.put(path(scalar(file, t.getKeyNode(), "field")), path(scalar(file, t.getValueNode(), "field")));
                }
            } else {
                for (String pair : splitList(scalar(file, r, "renames"))) {
                    int colon = pair.indexOf(':');
                    if (colon <= 0 || colon == pair.length() - 1) {
                        throw new IllegalArgumentException("renames entry '" + pair + "' must be old:new");
                    }
                    renames.put(path(pair.substring(0, colon).trim()), path(pair.substring(colon + 1).trim()));
                }
            }
        }
        if (enabled.isEmpty() && disabled.isEmpty() && renames.isEmpty()) {
            throw new IllegalArgumentException("needs enabled, disabled or renames");
        }
        if (!enabled.isEmpty()) {
            parts.add(new FieldActions.KeepFields(enabled));
        }
        if (!disabled.isEmpty()) {
            parts.add(new FieldActions.DropFields(disabled));
        }
        if (!renames.isEmpty()) {
            parts.add(new FieldActions.RenameFields(renames));
        }
        return parts.size() == 1 ? parts.get(0) : new Composite(parts);
    }

    /** replace-field with several parameters: enabled, then disabled, then renames, as the kamelet does. */
    record Composite(List<FieldAction> parts) implements FieldAction {
        @Override
        public void apply(BsonDocument document) {
            parts.forEach(p -> p.apply(document));
        }

        @Override
        public String describe() {
            return String.join("; ", parts.stream().map(FieldAction::describe).toList());
        }
    }

    private FieldAction maskField(String file, Node params, List<String> keyFingerprints) {
        Map<String, NodeTuple> p = mapping(file, params, "mask-field", Set.of("field", "fields", "mode", "replacement", "key"));
        List<FieldPath> fields = paths(file, p, "field", "fields");
        String mode = p.containsKey("mode") ? scalar(file, p.get("mode").getValueNode(), "mode") : "redact";
        String key = p.containsKey("key") ? scalar(file, p.get("key").getValueNode(), "key") : null;
        switch (mode) {
            case "redact" -> {
                if (key != null) {
                    throw new IllegalArgumentException("mode redact takes no key");
                }
                String replacement = p.containsKey("replacement")
                        ? scalar(file, p.get("replacement").getValueNode(), "replacement") : "****";
                return new FieldActions.RedactFields(fields, replacement);
            }
            case "hash" -> {
                byte[] secret = requireKey(key, mode).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (secret.length < 16) {
                    throw new IllegalArgumentException("the hash key " + key + " is shorter than 16 bytes; "
                            + "use a long random secret (openssl rand -base64 32)");
                }
                keyFingerprints.add(FieldActions.hmac(secret, "mongo-pg-sync key fingerprint").substring(0, 16));
                return new FieldActions.HashFields(fields, secret, key);
            }
            case "encrypt" -> {
                String base64 = requireKey(key, mode);
                SecretCipher cipher;
                try {
                    cipher = SecretCipher.fromBase64(base64);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("the encryption key " + key
                            + " must be base64 of 16, 24 or 32 bytes (openssl rand -base64 32)");
                }
                keyFingerprints.add(FieldActions.hmac(base64.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "mongo-pg-sync key fingerprint").substring(0, 16));
                return new FieldActions.EncryptFields(fields, cipher, key);
            }
            default -> throw new IllegalArgumentException("mode '" + mode + "' is not one of redact, hash, encrypt");
        }
    }

    private String requireKey(String reference, String mode) {
        if (reference == null) {
            throw new IllegalArgumentException("mode " + mode + " needs a key: env:NAME, file:/path or a key name "
                    + "configured as sync.transforms.keys.<name>");
        }
        String value = keys.resolve(reference);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("key " + reference + " is not set");
        }
        return value.trim();
    }

    private FieldAction insertField(String file, Node params) {
        Map<String, NodeTuple> p = mapping(file, params, "insert-field",
                Set.of("field", "value", "simple", "jsonpath", "language", "expression"));
        if (!p.containsKey("field")) {
            throw new IllegalArgumentException("needs field");
        }
        FieldPath field = path(scalar(file, p.get("field").getValueNode(), "field"));
        String language;
        String expression;
        if (p.containsKey("language") || p.containsKey("expression")) {
            if (!p.containsKey("language") || !p.containsKey("expression")) {
                throw new IllegalArgumentException("language and expression go together");
            }
            language = scalar(file, p.get("language").getValueNode(), "language");
            expression = scalar(file, p.get("expression").getValueNode(), "expression");
        } else if (p.containsKey("jsonpath")) {
            language = "jsonpath";
            expression = scalar(file, p.get("jsonpath").getValueNode(), "jsonpath");
        } else if (p.containsKey("simple") || p.containsKey("value")) {
            language = "simple";
            expression = scalar(file, p.get(p.containsKey("simple") ? "simple" : "value").getValueNode(), "value");
        } else {
            throw new IllegalArgumentException("needs value (a simple expression), simple, jsonpath, or language + expression");
        }
        if (field.isId()) {
            throw new IllegalArgumentException("_id cannot be computed");
        }
        return new FieldActions.InsertField(field, language, expression, expressions.compile(language, expression));
    }

    private TransformStep routeStep(String file, Node params) {
        if (params instanceof ScalarNode scalar) {
            return new TransformStep.Route(endpoint(scalar.getValue()), false);
        }
        Map<String, NodeTuple> p = mapping(file, params, "to", Set.of("uri", "per"));
        if (!p.containsKey("uri")) {
            throw new IllegalArgumentException("needs uri");
        }
        String per = p.containsKey("per") ? scalar(file, p.get("per").getValueNode(), "per") : "document";
        if (!per.equals("document") && !per.equals("batch")) {
            throw new IllegalArgumentException("per must be document or batch, not '" + per + "'");
        }
        return new TransformStep.Route(endpoint(scalar(file, p.get("uri").getValueNode(), "uri")), per.equals("batch"));
    }

    private static String endpoint(String uri) {
        if (uri == null || uri.isBlank() || !uri.contains(":")) {
            throw new IllegalArgumentException("'" + uri + "' is not a Camel endpoint URI such as direct:my-step");
        }
        return uri.trim();
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private List<FieldPath> paths(String file, Map<String, NodeTuple> p, String one, String many) {
        List<FieldPath> out = new ArrayList<>();
        if (p.containsKey(one)) {
            out.addAll(list(file, p.get(one).getValueNode()));
        }
        if (p.containsKey(many)) {
            out.addAll(list(file, p.get(many).getValueNode()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("needs " + one + " or " + many);
        }
        return out;
    }

    /** A YAML list of paths, or a comma-separated string as the kamelets take it. */
    private List<FieldPath> list(String file, Node node) {
        List<String> texts = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                texts.add(scalar(file, item, "field"));
            }
        } else {
            texts.addAll(splitList(scalar(file, node, "field list")));
        }
        List<FieldPath> out = new ArrayList<>();
        for (String t : texts) {
            FieldPath path = path(t);
            if (path.isId()) {
                throw new IllegalArgumentException("_id cannot be dropped, renamed or masked: it identifies the row");
            }
            out.add(path);
        }
        return out;
    }

    private static List<String> splitList(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static FieldPath path(String text) {
        return FieldPath.parse(text);
    }

    private static Map<String, NodeTuple> mapping(String file, Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            throw TransformException.at(file, line(node), what + " must be a mapping with keys " + allowed);
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(file, t.getKeyNode(), "key");
            if (!allowed.contains(key)) {
                throw TransformException.at(file, line(t.getKeyNode()), "unknown key '" + key + "' in " + what
                        + "; known keys: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            out.put(key, t);
        }
        return out;
    }

    private static String requiredText(String file, Node entry, Map<String, NodeTuple> fields, String key) {
        if (!fields.containsKey(key)) {
            throw TransformException.at(file, line(entry), "the entry needs '" + key + "'");
        }
        String value = scalar(file, fields.get(key).getValueNode(), key);
        if (value.isBlank()) {
            throw TransformException.at(file, line(fields.get(key).getValueNode()), key + " must not be empty");
        }
        return value;
    }

    private static String optionalText(String file, Map<String, NodeTuple> fields, String key) {
        return fields.containsKey(key) ? scalar(file, fields.get(key).getValueNode(), key) : null;
    }

    private static String scalar(String file, Node node, String what) {
        if (!(node instanceof ScalarNode scalar)) {
            throw TransformException.at(file, line(node), what + " must be a single value");
        }
        return scalar.getValue();
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
