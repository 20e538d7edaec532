package io.mongopgsync.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.ByteBuf;
import org.bson.RawBsonArray;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * The top-level fields of a document as MongoDB sent it (BSON bytes), read without decoding it: each field's name,
 * type and where its value lies. Documents of one collection mostly share their field names in the same order, so a
 * name is a {@code String} made once and reused while the same bytes come at the same position. A value is made an
 * object only when asked for ({@link #value}). Not thread-safe: one per reading thread.
 */
public final class RawFields {

    static final byte DOUBLE = 0x01;
    static final byte STRING = 0x02;
    static final byte DOCUMENT = 0x03;
    static final byte ARRAY = 0x04;
    static final byte UNDEFINED = 0x06;
    static final byte OBJECT_ID = 0x07;
    static final byte BOOLEAN = 0x08;
    static final byte DATE_TIME = 0x09;
    static final byte NULL = 0x0A;
    static final byte INT32 = 0x10;
    static final byte INT64 = 0x12;
    static final byte DECIMAL128 = 0x13;

    private byte[] bytes;
    private int documentStart;
    private int documentLength;
    private int count;
    private String[] names = new String[16];
    private byte[][] nameBytes = new byte[16][];
    private int cachedNames;
    private byte[] types = new byte[16];
    private int[] nameStart = new int[16];
    private int[] nameEnd = new int[16];
    private int[] valueStart = new int[16];
    private int[] valueEnd = new int[16];
    /** Field name to position, rebuilt when the names or their order change. */
    private final Map<String, Integer> index = new HashMap<>();
    private boolean layoutChanged = true;

    /**
     * Reads the fields of {@code document}. Returns false when the document cannot be read this way (a name that
     * occurs twice, bytes that are not a well-formed document): the caller then uses the decoded document.
     */
    public boolean read(RawBsonDocument document) {
        ByteBuf buffer = document.getByteBuffer();
        return read(buffer.array(), buffer.arrayOffset());
    }

    boolean read(byte[] b, int start) {
        if (readFields(b, start)) {
            return true;
        }
        layoutChanged = true; // names may have been replaced part way: the next document builds the index again
        return false;
    }

    private boolean readFields(byte[] b, int start) {
        bytes = b;
        documentStart = start;
        documentLength = readInt(b, start);
        int end = start + documentLength - 1;
        if (documentLength < 5 || end >= b.length || b[end] != 0) {
            return false;
        }
        boolean changed = false;
        int n = 0;
        for (Elements e = new Elements(b, start); e.hasNext(); n++) {
            if (!e.next()) {
                return false;
            }
            grow(n + 1);
            types[n] = e.type;
            nameStart[n] = e.nameFrom;
            nameEnd[n] = e.nameTo;
            valueStart[n] = e.valueFrom;
            valueEnd[n] = e.valueTo;
            if (n >= cachedNames || !Arrays.equals(nameBytes[n], 0, nameBytes[n].length, b, e.nameFrom, e.nameTo)) {
                nameBytes[n] = Arrays.copyOfRange(b, e.nameFrom, e.nameTo);
                names[n] = new String(b, e.nameFrom, e.nameTo - e.nameFrom, StandardCharsets.UTF_8);
                changed = true;
            }
        }
        if (n != count) {
            changed = true;
        }
        count = n;
        cachedNames = Math.max(cachedNames, n);
        if (changed || layoutChanged) {
            index.clear();
            for (int i = 0; i < n; i++) {
                if (index.put(names[i], i) != null) {
                    return false; // a name twice
                }
            }
            layoutChanged = false;
        }
        return true;
    }

    private void grow(int size) {
        if (size > types.length) {
            int capacity = Math.max(size, types.length * 2);
            names = Arrays.copyOf(names, capacity);
            nameBytes = Arrays.copyOf(nameBytes, capacity);
            types = Arrays.copyOf(types, capacity);
            nameStart = Arrays.copyOf(nameStart, capacity);
            nameEnd = Arrays.copyOf(nameEnd, capacity);
            valueStart = Arrays.copyOf(valueStart, capacity);
            valueEnd = Arrays.copyOf(valueEnd, capacity);
        }
    }

    public int count() {
        return count;
    }

    /** The position of the field named {@code name}, or -1. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    public String name(int i) {
        return names[i];
    }

    /** The BSON type byte of field {@code i}. */
    public byte type(int i) {
        return types[i];
    }

    byte[] bytes() {
        return bytes;
    }

    int nameStart(int i) {
        return nameStart[i];
    }

    int nameEnd(int i) {
        return nameEnd[i];
    }

    int valueStart(int i) {
        return valueStart[i];
    }

    /** Whether the string field {@code i} holds a NUL character (which text columns store as U+FFFD). */
    boolean stringHasNul(int i) {
        for (int at = valueStart[i] + 4, end = valueEnd[i] - 1; at < end; at++) {
            if (bytes[at] == 0) {
                return true;
            }
        }
        return false;
    }

    /** The value of field {@code i} as an object. */
    public BsonValue value(int i) {
        return value(bytes, types[i], valueStart[i], () -> whole().get(names[i]));
    }

    private BsonDocument whole() {
        return new RawBsonDocument(bytes, documentStart, documentLength);
    }

    /** The value of field {@code name} of a document, made an object only when found; null when it has none. */
    public static BsonValue get(RawBsonDocument document, String name) {
        ByteBuf buffer = document.getByteBuffer();
        byte[] b = buffer.array();
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (Elements e = new Elements(b, buffer.arrayOffset()); e.hasNext(); ) {
            if (!e.next()) {
                return document.get(name); // not well formed: the driver says why
            }
            if (Arrays.equals(wanted, 0, wanted.length, b, e.nameFrom, e.nameTo)) {
                return value(b, e.type, e.valueFrom, () -> document.get(name));
            }
        }
        return null;
    }

    /** A field of any document: read from the bytes of one as MongoDB sent it, else from the decoded one. */
    public static BsonValue field(BsonDocument document, String name) {
        return document instanceof RawBsonDocument raw ? get(raw, name) : document.get(name);
    }

    /** A document that steps may change in place: one as MongoDB sent it (read-only bytes) is decoded first. */
    public static BsonDocument changeable(BsonDocument document) {
        return document instanceof RawBsonDocument raw ? raw.decode(DECODER) : document;
    }

    private static final BsonDocumentCodec DECODER = new BsonDocumentCodec();

    /**
     * A walk over the elements of a document or an array as BSON bytes: after each {@link #next}, the element's type,
     * where its name lies and where its value lies.
     */
    static final class Elements {
        private final byte[] b;
        private final int end;
        private int at;
        byte type;
        int nameFrom;
        int nameTo;
        int valueFrom;
        int valueTo;

        /** The elements of the document or array whose bytes start at {@code start}. */
        Elements(byte[] b, int start) {
            this.b = b;
            this.end = start + readInt(b, start) - 1;
            this.at = start + 4;
        }

        boolean hasNext() {
            return at < end;
        }

        /** Steps to the next element; false when the bytes are not well formed there. */
        boolean next() {
            type = b[at];
            nameFrom = at + 1;
            valueFrom = cstringEnd(b, nameFrom, end);
            valueTo = valueFrom < 0 ? -1 : valueEnd(b, type, valueFrom, end);
            if (valueTo < 0 || valueTo > end) {
                return false;
            }
            nameTo = valueFrom - 1;
            at = valueTo;
            return true;
        }
    }

    private static BsonValue value(byte[] b, byte type, int at, java.util.function.Supplier<BsonValue> other) {
        return switch (type) {
            case DOUBLE -> new BsonDouble(Double.longBitsToDouble(readLong(b, at)));
            case STRING -> new BsonString(string(b, at));
            case DOCUMENT -> new RawBsonDocument(b, at, readInt(b, at));
            case ARRAY -> new RawBsonArray(b, at, readInt(b, at));
            case OBJECT_ID -> new BsonObjectId(new ObjectId(ByteBuffer.wrap(b, at, 12)));
            case BOOLEAN -> BsonBoolean.valueOf(b[at] != 0);
            case DATE_TIME -> new BsonDateTime(readLong(b, at));
            case NULL -> BsonNull.VALUE;
            case INT32 -> new BsonInt32(readInt(b, at));
            case INT64 -> new BsonInt64(readLong(b, at));
            case DECIMAL128 -> new BsonDecimal128(Decimal128.fromIEEE754BIDEncoding(readLong(b, at + 8), readLong(b, at)));
            default -> other.get(); // binary, regular expressions, timestamps, ...: the driver's decoding
        };
    }

    /** A BSON string at {@code at} (length, UTF-8 bytes, NUL). */
    static String string(byte[] b, int at) {
        return new String(b, at + 4, readInt(b, at) - 1, StandardCharsets.UTF_8);
    }

    /** Where the value of {@code type} that starts at {@code at} ends; -1 for a type BSON does not have. */
    static int valueEnd(byte[] b, byte type, int at, int limit) {
        if (at > limit) {
            return -1;
        }
        return switch (type) {
            case DOUBLE, DATE_TIME, INT64, 0x11 -> at + 8; // 0x11: timestamp
            case STRING, 0x0D, 0x0E -> at + 4 + lengthAt(b, at, limit); // JavaScript, symbol
            case DOCUMENT, ARRAY, 0x0F -> at + lengthAt(b, at, limit); // 0x0F: code with scope
            case 0x05 -> at + 5 + lengthAt(b, at, limit); // binary: length, subtype, bytes
            case UNDEFINED, NULL, (byte) 0xFF, 0x7F -> at; // min and max key
            case OBJECT_ID -> at + 12;
            case BOOLEAN -> at + 1;
            case INT32 -> at + 4;
            case DECIMAL128 -> at + 16;
            case 0x0B -> cstringEnd(b, cstringEnd(b, at, limit), limit); // regular expression: pattern, options
            case 0x0C -> at + 4 + lengthAt(b, at, limit) + 12; // DBPointer: string, ObjectId
            default -> -1;
        };
    }

    private static int lengthAt(byte[] b, int at, int limit) {
        if (at + 4 > limit) {
            return Integer.MIN_VALUE / 2;
        }
        int length = readInt(b, at);
        return length < 0 ? Integer.MIN_VALUE / 2 : length;
    }

    private static int cstringEnd(byte[] b, int at, int limit) {
        if (at < 0) {
            return -1;
        }
        while (at < limit && b[at] != 0) {
            at++;
        }
        return at < limit ? at + 1 : -1;
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static long readLong(byte[] b, int at) {
        return (readInt(b, at) & 0xFFFFFFFFL) | (long) readInt(b, at + 4) << 32;
    }
}
