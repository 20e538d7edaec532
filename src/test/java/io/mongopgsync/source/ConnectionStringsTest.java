package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionStringsTest {

    @Test
    void shouldMaskThePasswordAndSecretOptions() {
        assertThat(ConnectionStrings.redact("mongodb://user:pw@host:27017/db"))
                .isEqualTo("mongodb://user:****@host:27017/db");
        assertThat(ConnectionStrings.redact("mongodb+srv://u:p%40ss@cluster0.example.net/app?retryWrites=true"))
                .isEqualTo("mongodb+srv://u:****@cluster0.example.net/app?retryWrites=true");
        assertThat(ConnectionStrings.redact(
                "mongodb://h1:1,h2:2/db?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:abc"))
                .isEqualTo("mongodb://h1:1,h2:2/db?authMechanism=MONGODB-AWS&authMechanismProperties=****");
        assertThat(ConnectionStrings.redact("mongodb://h/db?proxyHost=socks&proxyUsername=px&proxyPassword=Pr0xyS3cret"))
                .isEqualTo("mongodb://h/db?proxyHost=socks&proxyUsername=px&proxyPassword=****");
        assertThat(ConnectionStrings.redact("mongodb://host/db")).isEqualTo("mongodb://host/db");
        assertThat(ConnectionStrings.redact("mongodb://onlyuser@host/db")).isEqualTo("mongodb://onlyuser@host/db");
    }

    @Test
    void shouldRedactSecretsInsideMessages() {
        String uri = "mongodb://u:hunter2@host:1/db";
        assertThat(ConnectionStrings.redactIn("failed to reach " + uri + " (password hunter2)", uri))
                .doesNotContain("hunter2").contains("mongodb://u:****@host:1/db");
    }

    @Test
    void shouldBuildFromDetailsEncodingCredentials() {
        assertThat(ConnectionStrings.fromDetails("db.local", 27018, "app user", "p@ss:w/rd", "admin", true))
                .isEqualTo("mongodb://app%20user:p%40ss%3Aw%2Frd@db.local:27018/?authSource=admin&tls=true");
        assertThat(ConnectionStrings.parse(ConnectionStrings.fromDetails("db.local", 27018, "app user", "p@ss:w/rd",
                "admin", true)).getPassword()).containsExactly("p@ss:w/rd".toCharArray());
        assertThat(ConnectionStrings.fromDetails("h", 27017, null, null, null, false)).isEqualTo("mongodb://h:27017/");
    }

    @Test
    void shouldRejectWhatIsNotAMongoUri() {
        assertThatThrownBy(() -> ConnectionStrings.parse("postgres://x")).hasMessageContaining("mongodb://");
        assertThatThrownBy(() -> ConnectionStrings.parse("mongodb://u:secretpw@")).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpw"));
    }

    @Test
    void shouldNotQuoteAPieceOfAPasswordThatFailedToDecode() {
        assertThatThrownBy(() -> ConnectionStrings.parse("mongodb://reader:s3cr%ZZet@h:27017/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ZZ").doesNotContain("s3cr")
                        .doesNotContain("et@").contains("%25"));
        assertThat(ConnectionStrings.redactIn("Error at index 0 in: \"ZZet\" near \"h\"", "mongodb://r:s3cr%ZZet@h/db"))
                .isEqualTo("Error at index 0 in: \"****\" near \"h\"");
    }
}
