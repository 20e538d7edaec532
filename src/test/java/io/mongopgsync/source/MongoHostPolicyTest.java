package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.spi.dns.DnsClient;
import com.mongodb.spi.dns.DnsWithResponseCodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MongoHostPolicyTest {

    private final List<String> lookups = new ArrayList<>();

    private MongoHostPolicy policy(String allowed, Map<String, List<String>> srv) {
        DnsClient dns = (name, type) -> {
            lookups.add(type + " " + name);
            List<String> records = srv.get(name);
            if (records == null) {
                throw new DnsWithResponseCodeException("DNS name not found", 3, null);
            }
            return records;
        };
        return new MongoHostPolicy(HostAllowList.parse(List.of(allowed.split(","))), dns);
    }

    private MongoHostPolicy policy(String allowed) {
        return policy(allowed, Map.of());
    }

    @Test
    void shouldAllowEveryHostWhenTheListIsEmpty() {
        MongoHostPolicy open = new MongoHostPolicy(HostAllowList.parse(List.of("", " ")), (n, t) -> List.of());

        assertThat(open.restricts()).isFalse();
        assertThatCode(() -> open.check("mongodb://10.0.0.1:27017,anything:1/db")).doesNotThrowAnyException();
    }

    @Test
    void shouldMatchHostsPortsAndWildcards() {
        MongoHostPolicy policy = policy("mongo.internal, *.corp.example:27017,10.1.2.3,[::1]:27018");

        assertThatCode(() -> policy.check("mongodb://MONGO.internal:27019,db1.corp.example:27017/x"))
                .doesNotThrowAnyException();
        assertThatCode(() -> policy.check("mongodb://a.b.corp.example/x")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("mongodb://10.1.2.3:1234/x")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("mongodb://[::1]:27018/x")).doesNotThrowAnyException();

        assertThatThrownBy(() -> policy.check("mongodb://db1.corp.example:27018/x"))
                .isInstanceOf(MongoHostPolicy.HostNotAllowedException.class)
                .hasMessageContaining("'db1.corp.example:27018'").hasMessageContaining("SYNC_MONGO_ALLOWED_HOSTS");
        assertThatThrownBy(() -> policy.check("mongodb://corp.example:27017/x"))
                .hasMessageContaining("'corp.example:27017'");
        assertThatThrownBy(() -> policy.check("mongodb://mongo.internal,evilcorp.example:27017/x"))
                .hasMessageContaining("'evilcorp.example:27017'");
        assertThatThrownBy(() -> policy.check("mongodb://mongo.internal.attacker.example/x"))
                .hasMessageContaining("'mongo.internal.attacker.example:27017'");
        assertThatThrownBy(() -> policy.check("mongodb://[::1]:27017/x")).hasMessageContaining("'[::1]:27017'")
                .hasMessageContaining("sync.mongo.allowed-hosts");
    }

    @Test
    void shouldCheckTheSocksProxyToo() {
        MongoHostPolicy policy = policy("mongo.internal");

        assertThatThrownBy(() -> policy.check("mongodb://mongo.internal/x?proxyHost=10.0.0.9&proxyPort=1081"))
                .hasMessageContaining("proxy host '10.0.0.9:1081'");
    }

    @Test
    void shouldCheckTheSrvNameAndEveryHostItsRecordLists() {
        MongoHostPolicy policy = policy("*.mongo.example.com:27017", Map.of(
                "_mongodb._tcp.good.mongo.example.com", List.of("0 5 27017 a.mongo.example.com.",
                        "0 5 27017 b.mongo.example.com."),
                "_mongodb._tcp.bad.mongo.example.com", List.of("0 5 27017 a.mongo.example.com.",
                        "0 5 27017 metadata.internal.")));

        assertThatCode(() -> policy.check("mongodb+srv://good.mongo.example.com/db")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check("mongodb+srv://bad.mongo.example.com/db"))
                .isInstanceOf(MongoHostPolicy.HostNotAllowedException.class)
                .hasMessageContaining("'metadata.internal:27017'").hasMessageContaining("bad.mongo.example.com");
        assertThatThrownBy(() -> policy.check("mongodb+srv://unknown.mongo.example.com/db"))
                .isInstanceOf(MongoHostPolicy.SrvLookupException.class)
                .hasMessageContaining("_mongodb._tcp.unknown.mongo.example.com");
    }

    @Test
    void shouldRefuseAnSrvNameOffTheListWithoutLookingItUp() {
        MongoHostPolicy policy = policy("*.mongo.example.com");

        assertThatThrownBy(() -> policy.check("mongodb+srv://cluster.attacker.example/db"))
                .hasMessageContaining("'cluster.attacker.example'");
        assertThat(lookups).isEmpty();
    }

    @Test
    void shouldRejectMalformedEntriesNamingTheSetting() {
        assertThatThrownBy(() -> HostAllowList.parse(List.of("mongo:port")))
                .hasMessageContaining("'mongo:port'").hasMessageContaining("sync.mongo.allowed-hosts");
        assertThatThrownBy(() -> HostAllowList.parse(List.of("mongo:70000"))).hasMessageContaining("65535");
        assertThatThrownBy(() -> HostAllowList.parse(List.of("db.*.example"))).hasMessageContaining("*.domain");
        assertThatThrownBy(() -> HostAllowList.parse(List.of("user@host"))).hasMessageContaining("user@host");
    }
}
