package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void shouldRoundTripAndNeverRepeatTheCiphertext() {
        SecretCipher cipher = SecretCipher.fromBase64(KEY);
        String secret = "mongodb://user:p@ss!word@host:27017/db";

        String first = cipher.encrypt(secret);
        String second = cipher.encrypt(secret);

        // '@', '!' and ':' never occur in base64, so the plaintext cannot appear by chance
        assertThat(first.substring(3)).doesNotContain("p@ss!word").doesNotContain("host:27017");
        assertThat(first).startsWith("v1:").isNotEqualTo(second);
        assertThat(cipher.decrypt(first)).isEqualTo(secret);
        assertThat(cipher.decrypt(second)).isEqualTo(secret);
    }

    @Test
    void shouldRefuseToDecryptWithAnotherKeyOrAfterTampering() {
        SecretCipher cipher = SecretCipher.fromBase64(KEY);
        String stored = cipher.encrypt("secret");
        SecretCipher other = SecretCipher.fromBase64(
                Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes()));

        assertThatThrownBy(() -> other.decrypt(stored)).hasMessageContaining("SYNC_SECRET_KEY");
        char[] chars = stored.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> cipher.decrypt(new String(chars))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectKeysOfTheWrongSize() {
        assertThatThrownBy(() -> SecretCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[10])))
                .hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> SecretCipher.fromBase64("not base64!")).hasMessageContaining("base64");
    }
}
