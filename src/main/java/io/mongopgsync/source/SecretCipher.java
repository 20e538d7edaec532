package io.mongopgsync.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM encryption of secrets at rest with key rotation. New secrets are written as
 * {@code v2:<keyId>:<base64(iv || ciphertext+tag)>} with the primary key, the key id bound to the ciphertext as
 * associated data. Previous keys only decrypt. The older {@code v1:<base64>} form carries no key id; it is tried
 * with every key, primary first.
 *
 * <p>A key id is derived from the key (16 hex characters of a SHA-256 over a fixed label and the key): it tells
 * which key a value needs without storing or revealing the key.
 */
public final class SecretCipher {

    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String primaryId;
    /** Key id to key, primary first. */
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(byte[] primaryKey) {
        this(primaryKey, List.of());
    }

    public SecretCipher(byte[] primaryKey, List<byte[]> previousKeys) {
        this.primaryId = add(primaryKey, "the secret key");
        for (int i = 0; i < previousKeys.size(); i++) {
            add(previousKeys.get(i), "previous secret key " + (i + 1));
        }
    }

    public static SecretCipher fromBase64(String base64Key) {
        return fromBase64(base64Key, List.of());
    }

    /** The primary key and the previous keys (still decrypting), each base64. */
    public static SecretCipher fromBase64(String base64Key, List<String> previousBase64Keys) {
        List<byte[]> previous = new ArrayList<>();
        for (int i = 0; i < previousBase64Keys.size(); i++) {
            previous.add(decodeKey(previousBase64Keys.get(i), "previous secret key " + (i + 1)));
        }
        return new SecretCipher(decodeKey(base64Key, "the secret key"), previous);
    }

    /** Id of the key that encrypts new secrets. */
    public String primaryKeyId() {
        return primaryId;
    }

    /** Ids of every key this cipher decrypts with, primary first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    public String encrypt(String plaintext) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        String header = V2 + primaryId + ":";
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(primaryId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed);
            return header + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String decrypt(String stored) {
        if (stored != null && stored.startsWith(V2)) {
            int colon = stored.indexOf(':', V2.length());
            if (colon < 0) {
                throw new IllegalStateException("stored secret is not in the v2 format (v2:<keyId>:<data>)");
            }
            String keyId = stored.substring(V2.length(), colon);
            SecretKey key = keys.get(keyId);
            if (key == null) {
                throw new IllegalStateException("cannot decrypt a stored secret: it was encrypted with key " + keyId
                        + ", which is neither SYNC_SECRET_KEY (key " + primaryId + ") nor one of "
                        + "SYNC_PREVIOUS_SECRET_KEYS");
            }
            try {
                return open(key, stored.substring(0, colon + 1), data(stored.substring(colon + 1)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot decrypt a stored secret encrypted with key " + keyId
                        + ": the value was altered", e);
            }
        }
        if (stored != null && stored.startsWith(V1)) {
            byte[] all = data(stored.substring(V1.length()));
            for (SecretKey key : keys.values()) {
                try {
                    return open(key, null, all);
                } catch (GeneralSecurityException wrongKey) {
                    // the v1 form names no key: try the next one
                }
            }
            throw new IllegalStateException("cannot decrypt a stored secret: neither SYNC_SECRET_KEY nor any of "
                    + "SYNC_PREVIOUS_SECRET_KEYS is the key it was encrypted with");
        }
        throw new IllegalStateException("stored secret is in neither the v1 nor the v2 format");
    }

    /** Whether a stored value is not yet encrypted with the primary key in the current format. */
    public boolean needsReEncryption(String stored) {
        return stored == null || !stored.startsWith(V2 + primaryId + ":");
    }

    private String add(byte[] keyBytes, String what) {
        if (keyBytes.length != 16 && keyBytes.length != 24 && keyBytes.length != 32) {
            throw new IllegalArgumentException(what + " must be 16, 24 or 32 bytes (base64 of an AES key), got "
                    + keyBytes.length + " bytes");
        }
        String id = keyId(keyBytes);
        keys.putIfAbsent(id, new SecretKeySpec(keyBytes, "AES"));
        return id;
    }

    static String keyId(byte[] keyBytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("mongo-pg-sync key id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(keyBytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decodeKey(String base64, String what) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64", e);
        }
    }

    private static byte[] data(String base64) {
        try {
            byte[] all = Base64.getDecoder().decode(base64);
            if (all.length <= IV_BYTES) {
                throw new IllegalStateException("stored secret is too short to be an AES-GCM ciphertext");
            }
            return all;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stored secret is not valid base64", e);
        }
    }

    private static String open(SecretKey key, String header, byte[] all) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
        if (header != null) {
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] plain = cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
        return new String(plain, StandardCharsets.UTF_8);
    }
}
