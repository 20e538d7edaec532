package io.mongopgsync.transform;

import io.mongopgsync.config.RouteFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.NoSuchLanguageException;
import org.apache.camel.support.DefaultExchange;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.configuration.CodecConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Every transform file ({@code *.sync.yaml}) of the routes folder, read and checked once at start-up: a broken
 * file stops the service with its name, line and problem. Answers which transforms apply to a collection.
 */
@Component
public class TransformCatalog {

    public static final String FILE_SUFFIX = ".sync.yaml";
    private static final Logger log = LoggerFactory.getLogger(TransformCatalog.class);
    private static final DocumentCodec DOCUMENT_CODEC = new DocumentCodec();

    private final Map<String, TransformRule> rules = new HashMap<>();
    private final List<String> files = new ArrayList<>();

    public TransformCatalog(Environment environment, CamelContext camel) {
        RouteFolder folder = new RouteFolder(environment.getProperty("sync.routes-dir", "./routes"));
        TransformFileParser parser = new TransformFileParser(reference -> resolveKey(environment, reference),
                (language, expression) -> compile(camel, language, expression));
        for (RouteFolder.RouteFile file : folder.files(FILE_SUFFIX)) {
            for (TransformRule rule : parser.parse(file.location(), file.text())) {
                TransformRule clash = rules.put(key(rule.source(), rule.collection()), rule);
                if (clash != null) {
                    throw new TransformException(rule.where() + ": source '" + rule.source() + "' collection '"
                            + rule.collection() + "' is already configured at " + clash.where());
                }
            }
            files.add(file.location());
        }
        if (!files.isEmpty()) {
            log.info("Transforms: {} entries from {}", rules.size(), files);
        }
    }

    /** The source-wide entry, then the collection's own; {@link CollectionTransforms#NONE} when neither exists. */
    public CollectionTransforms forCollection(String source, String collection) {
        return CollectionTransforms.merge(rules.get(key(source, TransformRule.ALL_COLLECTIONS)),
                rules.get(key(source, collection)));
    }

    public List<String> files() {
        return List.copyOf(files);
    }

    private static String key(String source, String collection) {
        return source + "\u0000" + collection;
    }

    /** {@code env:NAME}, {@code file:/path}, or a key configured as {@code sync.transforms.keys.<name>}. */
    public static String resolveKey(Environment environment, String reference) {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = environment.getProperty(name);
            if (value == null) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
            return value;
        }
        if (reference.startsWith("file:")) {
            try {
                return Files.readString(Path.of(reference.substring(5)), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("key file " + reference.substring(5) + " cannot be read");
            }
        }
        String value = environment.getProperty("sync.transforms.keys." + reference);
        if (value == null) {
            throw new IllegalArgumentException("no key named '" + reference + "': set sync.transforms.keys."
                    + reference + " (environment SYNC_TRANSFORMS_KEYS_" + reference.toUpperCase().replace('-', '_')
                    + "), or use env:NAME or file:/path");
        }
        return value;
    }

    /** Compiles an expression of a Camel language; it sees the document as a map (fields by name). */
    static Function<BsonDocument, BsonValue> compile(CamelContext camel, String language, String text) {
        Expression expression;
        try {
            expression = camel.resolveLanguage(language).createExpression(text);
            expression.init(camel);
        } catch (NoSuchLanguageException e) {
            throw new IllegalArgumentException("unknown expression language '" + language
                    + "' (available here: simple, jsonpath, constant, header-free languages on the classpath)");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the " + language + " expression '" + text + "' is invalid: "
                    + e.getMessage());
        }
        return document -> {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(asMap(document));
            Object result = expression.evaluate(exchange, Object.class);
            if (exchange.getException() != null) {
                throw new IllegalStateException("the " + language + " expression '" + text + "' failed: "
                        + exchange.getException().getMessage(), exchange.getException());
            }
            return toBson(result);
        };
    }

    static Document asMap(BsonDocument document) {
        return DOCUMENT_CODEC.decode(new BsonDocumentReader(document), DecoderContext.builder().build());
    }

    static BsonValue toBson(Object value) {
        if (value == null) {
            return BsonNull.VALUE;
        }
        if (value instanceof BsonValue bson) {
            return bson;
        }
        try {
            return new Document("v", value).toBsonDocument().get("v");
        } catch (CodecConfigurationException e) {
            return new BsonString(value.toString());
        }
    }
}
