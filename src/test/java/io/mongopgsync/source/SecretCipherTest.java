package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final byte[] OLD_BYTES = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY = Base64.getEncoder().encodeToString(OLD_BYTES);
    private static final String NEW_KEY = Base64.getEncoder().encodeToString(
            "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
    private static final String SECRET = "mongodb://user:p@ss!word@host:27017/db";

    /** A value as the v1 format stored it: no key id, no associated data. */
    static String v1(byte[] key, String plaintext) throws Exception {
        byte[] iv = new byte[12];
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        return "v1:" + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(iv).put(sealed)
                .array());
    }

    @Test
    void shouldRoundTripAndNeverRepeatTheCiphertext() {
        SecretCipher cipher = SecretCipher.fromBase64(KEY);

        String first = cipher.encrypt(SECRET);
        String second = cipher.encrypt(SECRET);

        // '@', '!' and ':' never occur in base64, so the plaintext cannot appear by chance
        assertThat(first.substring(first.lastIndexOf(':'))).doesNotContain("p@ss!word").doesNotContain("host");
        assertThat(first).startsWith("v2:" + cipher.primaryKeyId() + ":").isNotEqualTo(second);
        assertThat(cipher.decrypt(first)).isEqualTo(SECRET);
        assertThat(cipher.decrypt(second)).isEqualTo(SECRET);
    }

    @Test
    void shouldDecryptWithAPreviousKeyAndEncryptWithThePrimary() {
        SecretCipher before = SecretCipher.fromBase64(KEY);
        String stored = before.encrypt(SECRET);
        SecretCipher rotated = SecretCipher.fromBase64(NEW_KEY, List.of(KEY));

        assertThat(rotated.decrypt(stored)).isEqualTo(SECRET);
        assertThat(rotated.needsReEncryption(stored)).isTrue();
        String again = rotated.encrypt(SECRET);
        assertThat(again).startsWith("v2:" + rotated.primaryKeyId() + ":");
        assertThat(rotated.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
        assertThat(rotated.needsReEncryption(again)).isFalse();
        assertThat(SecretCipher.fromBase64(NEW_KEY).decrypt(again)).isEqualTo(SECRET);
    }

    @Test
    void shouldStillReadTheV1FormatWithTheCurrentOrAPreviousKey() throws Exception {
        String legacy = v1(OLD_BYTES, SECRET);

        assertThat(SecretCipher.fromBase64(KEY).decrypt(legacy)).isEqualTo(SECRET);
        assertThat(SecretCipher.fromBase64(NEW_KEY, List.of(KEY)).decrypt(legacy)).isEqualTo(SECRET);
        assertThat(SecretCipher.fromBase64(KEY).needsReEncryption(legacy)).isTrue();
        assertThatThrownBy(() -> SecretCipher.fromBase64(NEW_KEY).decrypt(legacy))
                .hasMessageContaining("SYNC_PREVIOUS_SECRET_KEYS");
    }

    @Test
    void shouldNameTheMissingKeyWhenTheOldKeyWasRemovedTooEarly() {
        SecretCipher before = SecretCipher.fromBase64(KEY);
        String stored = before.encrypt("secret");
        SecretCipher other = SecretCipher.fromBase64(NEW_KEY);

        assertThatThrownBy(() -> other.decrypt(stored)).hasMessageContaining(before.primaryKeyId())
                .hasMessageContaining("SYNC_SECRET_KEY").hasMessageContaining("SYNC_PREVIOUS_SECRET_KEYS")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void shouldRefuseTamperedValuesAndForgedKeyIds() {
        SecretCipher cipher = SecretCipher.fromBase64(KEY, List.of(NEW_KEY));
        String stored = cipher.encrypt("secret");
        char[] chars = stored.toCharArray();
        int data = stored.lastIndexOf(':') + 5;
        chars[data] = chars[data] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> cipher.decrypt(new String(chars))).isInstanceOf(IllegalStateException.class);

        // the key id is bound to the ciphertext: moving it under another configured key's id fails
        String otherId = cipher.keyIds().get(1);
        String forged = "v2:" + otherId + stored.substring(stored.lastIndexOf(':'));
        assertThatThrownBy(() -> cipher.decrypt(forged)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("plain text")).hasMessageContaining("format");
    }

    @Test
    void shouldRejectKeysOfTheWrongSize() {
        assertThatThrownBy(() -> SecretCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[10])))
                .hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> SecretCipher.fromBase64("not base64!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> SecretCipher.fromBase64(KEY, List.of("c2hvcnQ=")))
                .hasMessageContaining("previous secret key 1");
    }
}
