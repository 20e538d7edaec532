package io.mongopgsync.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.spi.dns.DnsClient;
import com.mongodb.spi.dns.DnsException;
import com.mongodb.spi.dns.DnsWithResponseCodeException;
import io.mongopgsync.config.SyncProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps the service to the MongoDB hosts of {@code sync.mongo.allowed-hosts}, so that it cannot be used to probe
 * other hosts of its network. {@link #check} runs before any connection: every host of the connection string, its
 * SOCKS proxy, and for {@code mongodb+srv} the name and every host its SRV record lists. {@link #apply} makes the
 * driver keep to the list as well: SRV records read later and replica-set members a server announces are refused
 * when their host is not on it.
 */
@Component
public class MongoHostPolicy {

    /** A host of a connection string that the allow-list does not contain. */
    public static class HostNotAllowedException extends RuntimeException {
        public HostNotAllowedException(String message) {
            super(message);
        }
    }

    /** The SRV record of a mongodb+srv name could not be read, so its hosts cannot be checked. */
    public static class SrvLookupException extends RuntimeException {
        public SrvLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int DEFAULT_SOCKS_PORT = 1080;

    private final HostAllowList allowList;
    private final DnsClient dns;

    @Autowired
    public MongoHostPolicy(SyncProperties properties) {
        this(HostAllowList.parse(properties.mongo().allowedHosts()), MongoHostPolicy::jndiLookup);
    }

    MongoHostPolicy(HostAllowList allowList, DnsClient dns) {
        this.allowList = allowList;
        this.dns = dns;
    }

    public boolean restricts() {
        return allowList.restricts();
    }

    /** Throws {@link HostNotAllowedException} naming the first host that is not allowed. */
    public void check(String uri) {
        if (!allowList.restricts()) {
            return;
        }
        ConnectionString cs = new ConnectionString(uri);
        if (cs.isSrvProtocol()) {
            String name = cs.getHosts().get(0);
            if (!allowList.allowsHostOnSomePort(name)) {
                throw refused("host '" + name + "'");
            }
            for (String record : srvRecords(name)) {
                ServerAddress target = srvTarget(record);
                if (!allowList.allows(target.getHost(), target.getPort())) {
                    throw refused("host '" + target.getHost() + ":" + target.getPort() + "' (listed by the SRV record of '"
                            + name + "')");
                }
            }
        } else {
            for (String host : cs.getHosts()) {
                ServerAddress address = new ServerAddress(host);
                if (!allowList.allows(address.getHost(), address.getPort())) {
                    throw refused("host '" + display(address) + "'");
                }
            }
        }
        if (cs.getProxyHost() != null) {
            int port = cs.getProxyPort() == null ? DEFAULT_SOCKS_PORT : cs.getProxyPort();
            if (!allowList.allows(cs.getProxyHost(), port)) {
                throw refused("proxy host '" + cs.getProxyHost() + ":" + port + "'");
            }
        }
    }

    /** Makes the driver refuse hosts off the list that it learns of after {@link #check}. */
    public void apply(MongoClientSettings.Builder builder) {
        if (!allowList.restricts()) {
            return;
        }
        builder.dnsClient((name, type) -> {
            List<String> records = dns.getResourceRecordData(name, type);
            if ("SRV".equalsIgnoreCase(type)) {
                for (String record : records) {
                    ServerAddress target = srvTarget(record);
                    if (!allowList.allows(target.getHost(), target.getPort())) {
                        throw new DnsException("the SRV record of '" + name + "' lists host '" + target.getHost()
                                + ":" + target.getPort() + "', which is not in " + HostAllowList.SETTING, null);
                    }
                }
            }
            return records;
        });
        builder.inetAddressResolver(host -> {
            if (!allowList.allowsHostOnSomePort(host)) {
                throw new UnknownHostException("MongoDB host '" + host + "' is not in " + HostAllowList.SETTING);
            }
            return Arrays.asList(InetAddress.getAllByName(host));
        });
    }

    private List<String> srvRecords(String name) {
        String query = "_mongodb._tcp." + name;
        try {
            List<String> records = dns.getResourceRecordData(query, "SRV");
            if (records.isEmpty()) {
                throw new SrvLookupException("Host not found: there is no SRV record " + query + ", so the hosts of '"
                        + name + "' cannot be checked against " + HostAllowList.SETTING, null);
            }
            return records;
        } catch (DnsException e) {
            throw new SrvLookupException("Host not found: the SRV record " + query + " cannot be read ("
                    + e.getMessage() + "), so the hosts of '" + name + "' cannot be checked against "
                    + HostAllowList.SETTING, e);
        }
    }

    /** "priority weight port target." of an SRV record. */
    static ServerAddress srvTarget(String record) {
        String[] parts = record.trim().split("\\s+");
        if (parts.length != 4) {
            throw new SrvLookupException("unexpected SRV record '" + record + "'", null);
        }
        return new ServerAddress(HostAllowList.normalise(parts[3]), Integer.parseInt(parts[2]));
    }

    private static HostNotAllowedException refused(String what) {
        return new HostNotAllowedException("MongoDB " + what + " is not allowed: it is not in " + HostAllowList.SETTING);
    }

    private static String display(ServerAddress address) {
        String host = address.getHost();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The JDK's DNS provider, as the driver itself reads SRV and TXT records. */
    static List<String> jndiLookup(String name, String type) throws DnsException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        InitialDirContext context;
        try {
            context = new InitialDirContext(env);
        } catch (NamingException e) {
            throw new DnsException("no DNS provider in this JVM: " + e.getMessage(), e);
        }
        try {
            Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
            List<String> values = new ArrayList<>();
            if (attribute != null) {
                NamingEnumeration<?> all = attribute.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            return values;
        } catch (NameNotFoundException e) {
            throw new DnsWithResponseCodeException(e.getMessage(), 3, e);
        } catch (NamingException e) {
            throw new DnsException(e.getMessage(), e);
        } finally {
            try {
                context.close();
            } catch (NamingException ignored) {
                // nothing held
            }
        }
    }
}
