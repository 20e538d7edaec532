package io.mongopgsync.support;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.testcontainers.containers.MongoDBContainer;

/**
 * The MongoDB of a test run: {@code MONGODB_URI} when set, otherwise Testcontainers ({@code mongo:7}, a
 * single-node replica set) when Docker works, otherwise the embedded mongo-java-server. Tests that need real
 * MongoDB behaviour call {@link #assumeRealMongo} and are skipped, with the reason, on the embedded server.
 */
public final class TestMongo implements AutoCloseable {

    private static TestMongo instance;

    /** An embedded server this object started for one test class, shut down by {@link #close()}. */
    private MongoServer ownServer;
    private HistoryLosingBackend backend;

    private final String uri;
    private final boolean real;
    private final String origin;
    private final MongoClient client;

    private TestMongo(String uri, boolean real, String origin) {
        this.uri = uri;
        this.real = real;
        this.origin = origin;
        this.client = MongoClients.create(uri);
    }

    public static synchronized TestMongo get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestMongo start() {
        String uri = System.getenv("MONGODB_URI");
        if (uri != null && !uri.isBlank()) {
            return new TestMongo(uri, true, "MONGODB_URI");
        }
        if (TestPostgres.dockerAvailable()) {
            try {
                MongoDBContainer container = new MongoDBContainer("mongo:7");
                container.start();
                return new TestMongo(container.getReplicaSetUrl(), true, "Testcontainers mongo:7");
            } catch (RuntimeException e) {
                System.err.println("Testcontainers MongoDB unavailable (" + e.getMessage() + "); using the embedded server");
            }
        }
        MongoServer server = new MongoServer(new MemoryBackend());
        server.enableOplog();
        server.bind("127.0.0.1", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "stop-embedded-mongo"));
        return new TestMongo("mongodb://127.0.0.1:" + server.getLocalAddress().getPort(), false,
                "embedded mongo-java-server");
    }

    /**
     * The MongoDB for change-stream tests. A real server is shared. On the embedded server each test class gets a
     * server of its own: mongo-java-server answers every read of a change stream by scanning and sorting its whole
     * oplog (every write of the run, in every database), so on the run's shared server a stream's latency grows
     * with every test before it, which would measure the test run rather than the service.
     */
    public static TestMongo forChangeStreams() {
        TestMongo shared = get();
        if (shared.real) {
            return shared;
        }
        HistoryLosingBackend backend = new HistoryLosingBackend();
        MongoServer server = new MongoServer(backend);
        server.enableOplog();
        server.bind("127.0.0.1", 0);
        TestMongo own = new TestMongo("mongodb://127.0.0.1:" + server.getLocalAddress().getPort(), false,
                "embedded mongo-java-server (a server of this test class)");
        own.ownServer = server;
        own.backend = backend;
        return own;
    }

    /**
     * On a server of {@link #forChangeStreams()}: the next read ({@code getMore}) of a cursor in {@code database}
     * fails as a real MongoDB's does when a change stream's resume point has left its oplog (error 286,
     * ChangeStreamHistoryLost), which the embedded server never reports on its own. Once.
     */
    public void loseChangeStreamHistory(String database) {
        if (backend == null) {
            throw new IllegalStateException("only an embedded server of forChangeStreams() can be told to lose history");
        }
        backend.loseHistoryOf.set(database);
    }

    /** The embedded backend, able to answer one read with ChangeStreamHistoryLost. */
    private static final class HistoryLosingBackend extends MemoryBackend {

        final java.util.concurrent.atomic.AtomicReference<String> loseHistoryOf = new java.util.concurrent.atomic.AtomicReference<>();

        /**
         * Reads of a change stream: a {@code getMore}, or the {@code aggregate} by which the driver resumes the
         * stream (it does so whenever this server closes an empty cursor).
         */
        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String database,
                                                               String command, de.bwaldvogel.mongo.bson.Document query) {
            boolean streamRead = command.equalsIgnoreCase("getMore") || (command.equalsIgnoreCase("aggregate")
                    && String.valueOf(query.get("pipeline")).contains("$changeStream"));
            String armed = loseHistoryOf.get();
            if (streamRead && database.equals(armed) && loseHistoryOf.compareAndSet(armed, null)) {
                throw new de.bwaldvogel.mongo.exception.MongoServerError(286, "ChangeStreamHistoryLost",
                        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
            }
            return super.handleCommand(channel, database, command, query);
        }
    }

    /** Shuts down a server started by {@link #forChangeStreams()}; the run's shared MongoDB stays. */
    @Override
    public void close() {
        if (ownServer != null) {
            client.close();
            ownServer.shutdownNow();
        }
    }

    /**
     * Inserts the documents {@code document(from)} .. {@code document(from + count - 1)} into {@code collection}, 5,000
     * per {@code insertMany}, so that large test collections are neither one huge request nor one request each.
     */
    public static void insertInBatches(com.mongodb.client.MongoCollection<org.bson.Document> collection, int from, int count,
                                       java.util.function.IntFunction<org.bson.Document> document) {
        java.util.List<org.bson.Document> docs = new java.util.ArrayList<>();
        for (int i = from; i < from + count; i++) {
            docs.add(document.apply(i));
            if (docs.size() == 5000) {
                collection.insertMany(docs);
                docs.clear();
            }
        }
        if (!docs.isEmpty()) {
            collection.insertMany(docs);
        }
    }

    /** Server URI without a database; append {@code /db} for a source's connection string. */
    public String uri() {
        return uri;
    }

    /** Connection string for one database, keeping the server URI's options. */
    public String uri(String database) {
        int query = uri.indexOf('?');
        String base = query >= 0 ? uri.substring(0, query) : uri;
        String options = query >= 0 ? uri.substring(query) : "";
        int schemeEnd = base.indexOf("://") + 3;
        int slash = base.indexOf('/', schemeEnd);
        String hosts = slash >= 0 ? base.substring(0, slash) : base;
        return hosts + "/" + database + options;
    }

    public boolean isReal() {
        return real;
    }

    public String origin() {
        return origin;
    }

    public MongoClient client() {
        return client;
    }

    public void assumeRealMongo(String whatItNeeds) {
        org.junit.jupiter.api.Assumptions.assumeTrue(real, "Needs a real MongoDB (" + whatItNeeds + "); this run has "
                + origin + ". Set MONGODB_URI or run where Docker works.");
    }
}
