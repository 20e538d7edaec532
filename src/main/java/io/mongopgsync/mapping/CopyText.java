package io.mongopgsync.mapping;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer that rows are written into once, as the bytes PostgreSQL's COPY text format reads:
 * backslash, tab, newline and carriage return escaped, NUL (which PostgreSQL cannot store in text) as U+FFFD. With
 * {@code copyEscaped = false} the same writers give plain text (previews, tests).
 */
public final class CopyText {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private final boolean copyEscaped;
    private byte[] bytes;
    private int length;

    public CopyText(int capacity, boolean copyEscaped) {
        this.bytes = new byte[Math.max(16, capacity)];
        this.copyEscaped = copyEscaped;
    }

    public CopyText(int capacity) {
        this(capacity, true);
    }

    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public void setLength(int length) {
        this.length = length;
    }

    public void clear() {
        length = 0;
    }

    /** Gives back memory a very large row made the buffer grow to. */
    public void shrinkTo(int capacity) {
        if (bytes.length > capacity && length <= capacity) {
            bytes = Arrays.copyOf(bytes, capacity);
        }
    }

    public boolean isCopyEscaped() {
        return copyEscaped;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    /** A byte that needs no escaping (ASCII structure: tab between fields, newline after a row, JSON syntax). */
    public CopyText raw(char ascii) {
        ensure(1);
        bytes[length++] = (byte) ascii;
        return this;
    }

    /** ASCII text that needs no escaping (numbers, hex, fixed words). */
    public CopyText ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    public CopyText ascii(long value) {
        if (value >= 0 && value < 10) {
            return raw((char) ('0' + value));
        }
        return ascii(Long.toString(value));
    }

    /** Zero-padded decimal of at least {@code width} digits (dates). */
    public CopyText digits(int value, int width) {
        if (value >= 0) {
            // written in place: a String per date part was a good share of a full sync's garbage
            int count = 1;
            for (int rest = value; rest >= 10; rest /= 10) {
                count++;
            }
            int total = Math.max(count, width);
            ensure(total);
            int end = length + total;
            for (int i = end - 1, rest = value; i >= length; i--, rest /= 10) {
                bytes[i] = (byte) (i >= end - count ? '0' + rest % 10 : '0');
            }
            length = end;
            return this;
        }
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            raw('0');
        }
        return ascii(s);
    }

    /** Bytes already in this buffer's escaping (a span rendered earlier). */
    public CopyText append(byte[] source, int from, int to) {
        ensure(to - from);
        System.arraycopy(source, from, bytes, length, to - from);
        length += to - from;
        return this;
    }

    /** SQL NULL. */
    public CopyText nullValue() {
        return copyEscaped ? raw('\\').raw('N') : this;
    }

    /** Text as a column value: UTF-8, COPY-escaped, NUL as U+FFFD. */
    public CopyText text(String s) {
        int n = s.length();
        ensure(n);
        // plain ASCII, the bulk of most text, is copied as it is; the first other character goes the long way
        byte[] b = bytes;
        int at = length;
        int plain = 0;
        for (; plain < n; plain++) {
            char c = s.charAt(plain);
            if (c >= 0x80 || c < 0x20 || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
        }
        length = at;
        for (int i = plain; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    replacement();
                } else if (copyEscaped && (c == '\\' || c == '\t' || c == '\n' || c == '\r')) {
                    escapedControl(c);
                } else {
                    ensure(1);
                    bytes[length++] = (byte) c;
                }
            } else {
                i = utf8(s, i, c);
            }
        }
        return this;
    }

    /**
     * A JSON string literal exactly as the MongoDB driver's JSON writer escapes it (quotes, backslashes, the short
     * escapes, and {@code \\uXXXX} for every character outside the letter, digit, punctuation and symbol
     * categories), with NUL already replaced by U+FFFD.
     */
    public CopyText jsonString(String s) {
        int n = s.length();
        ensure(n + 2);
        // printable ASCII but quote and backslash, the bulk of most text, is copied as it is
        byte[] b = bytes;
        int at = length;
        b[at++] = '"';
        int plain = 0;
        for (; plain < n; plain++) {
            char c = s.charAt(plain);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
        }
        length = at;
        for (int i = plain; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                if (c == '"') {
                    jsonBackslash().raw('"');
                } else if (c == '\\') {
                    jsonBackslash().jsonBackslash();
                } else {
                    ensure(1);
                    bytes[length++] = (byte) c;
                }
                continue;
            }
            switch (c) {
                case '\0' -> replacement();
                case '\b' -> jsonBackslash().raw('b');
                case '\f' -> jsonBackslash().raw('f');
                case '\n' -> jsonBackslash().raw('n');
                case '\r' -> jsonBackslash().raw('r');
                case '\t' -> jsonBackslash().raw('t');
                default -> {
                    if (c >= 0x80 && printable(c)) {
                        i = utf8(s, i, c);
                    } else {
                        jsonBackslash().raw('u');
                        ensure(4);
                        bytes[length++] = HEX[(c >> 12) & 0xF];
                        bytes[length++] = HEX[(c >> 8) & 0xF];
                        bytes[length++] = HEX[(c >> 4) & 0xF];
                        bytes[length++] = HEX[c & 0xF];
                    }
                }
            }
        }
        return raw('"');
    }

    /** The categories the driver's JSON writer writes as they are. */
    private static boolean printable(char c) {
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER,
                 Character.OTHER_NUMBER, Character.SPACE_SEPARATOR, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** A backslash of JSON syntax; COPY reads a backslash only when it is doubled. */
    private CopyText jsonBackslash() {
        raw('\\');
        return copyEscaped ? raw('\\') : this;
    }

    private void escapedControl(char c) {
        ensure(2);
        bytes[length++] = '\\';
        bytes[length++] = (byte) switch (c) {
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\r' -> 'r';
            default -> '\\';
        };
    }

    private void replacement() {
        append(REPLACEMENT, 0, 3);
    }

    /** Encodes the non-ASCII character at {@code i} (a pair of surrogates together); returns the last index used. */
    private int utf8(String s, int i, char c) {
        ensure(4);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | (c >> 6));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            bytes[length++] = (byte) (0xF0 | (cp >> 18));
            bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            // a lone surrogate has no UTF-8 form; String.getBytes writes '?' for it too
            bytes[length++] = '?';
            return i;
        }
        bytes[length++] = (byte) (0xE0 | (c >> 12));
        bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[length++] = (byte) (0x80 | (c & 0x3F));
        return i;
    }

    /** Whether the bytes in [from, to) hold a backslash: text in JSON without one was written without escapes. */
    public static boolean hasBackslash(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\\') {
                return true;
            }
        }
        return false;
    }

    /** Whether the bytes in [from, to) hold a U+FFFD (a replaced NUL, or one that was in the data). */
    public boolean hasReplacement(int from, int to) {
        for (int i = from; i + 2 < to; i++) {
            if (bytes[i] == REPLACEMENT[0] && bytes[i + 1] == REPLACEMENT[1] && bytes[i + 2] == REPLACEMENT[2]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
