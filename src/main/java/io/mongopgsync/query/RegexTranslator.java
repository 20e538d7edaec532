package io.mongopgsync.query;

import org.bson.BsonRegularExpression;
import org.bson.BsonValue;

/**
 * Rewrites a MongoDB (PCRE) regular expression into a PostgreSQL ARE with the same matches, or refuses it. Only
 * constructs whose meaning is the same in both are kept; the rest are rewritten ({@code \d}, {@code \w} and
 * {@code \s} to ASCII classes, {@code .} to "not a newline" unless the {@code s} flag is given, {@code $} to "end or
 * before a final newline") or refused ({@code \b}, back-references, named groups, possessive quantifiers, inline
 * flags).
 */
final class RegexTranslator {

    private RegexTranslator() {
    }

    static String translate(String pattern, String flags, String where) {
        boolean dotAll = false;
        StringBuilder options = new StringBuilder();
        boolean multiline = false;
        for (char f : flags.toCharArray()) {
            switch (f) {
                case 'i' -> options.append('i');
                case 'm' -> {
                    multiline = true;
                    options.append('w');
                }
                case 's' -> dotAll = true;
                default -> throw PipelineException.unsupported(where, "regular expression option '" + f
                        + "' is not supported (supported: i, m, s)");
            }
        }
        StringBuilder out = new StringBuilder();
        if (!options.isEmpty()) {
            out.append("(?").append(options).append(')');
        }
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) {
                        throw PipelineException.malformed(where, "regular expression ends with a backslash");
                    }
                    out.append(escape(pattern.charAt(i + 1), false, where));
                    i += 2;
                }
                case '[' -> i = bracket(pattern, i, out, where);
                case '.' -> {
                    out.append(dotAll ? "." : "[^\\n]");
                    i++;
                }
                case '$' -> {
                    out.append(multiline ? "$" : "(?=\\n?$)");
                    i++;
                }
                case '(' -> {
                    if (pattern.startsWith("(?", i) && !(pattern.startsWith("(?:", i) || pattern.startsWith("(?=", i)
                            || pattern.startsWith("(?!", i) || pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i))) {
                        throw PipelineException.unsupported(where, "regular expression group syntax '"
                                + pattern.substring(i, Math.min(n, i + 4)) + "' is not supported");
                    }
                    out.append(c);
                    i++;
                }
                case '*', '+', '?', '}' -> {
                    out.append(c);
                    i++;
                    if (i < n && pattern.charAt(i) == '+') {
                        throw PipelineException.unsupported(where, "possessive quantifiers are not supported");
                    }
                }
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        return out.toString();
    }

    private static int bracket(String pattern, int start, StringBuilder out, String where) {
        int i = start + 1;
        int n = pattern.length();
        out.append('[');
        if (i < n && pattern.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        if (i < n && pattern.charAt(i) == ']') {
            out.append("\\]");
            i++;
        }
        while (i < n) {
            char c = pattern.charAt(i);
            if (c == ']') {
                out.append(']');
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                out.append(escape(pattern.charAt(i + 1), true, where));
                i += 2;
            } else if (c == '[' && i + 1 < n && pattern.charAt(i + 1) == ':') {
                int end = pattern.indexOf(":]", i + 2);
                if (end < 0) {
                    throw PipelineException.malformed(where, "unterminated character class in regular expression");
                }
                out.append(pattern, i, end + 2);
                i = end + 2;
            } else if (c == '[') {
                out.append("\\[");
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        throw PipelineException.malformed(where, "unterminated [ in regular expression");
    }

    private static String escape(char c, boolean inBracket, String where) {
        switch (c) {
            case 'd':
                return inBracket ? "0-9" : "[0-9]";
            case 'w':
                return inBracket ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
            case 's':
                return inBracket ? " \\t\\n\\r\\f\\v" : "[ \\t\\n\\r\\f\\v]";
            case 'D', 'W', 'S':
                if (inBracket) {
                    throw PipelineException.unsupported(where, "\\" + c + " inside [...] is not supported in regular expressions");
                }
                return c == 'D' ? "[^0-9]" : c == 'W' ? "[^A-Za-z0-9_]" : "[^ \\t\\n\\r\\f\\v]";
            case 'n', 't', 'r', 'f', 'v':
                return "\\" + c;
            default:
                if (!Character.isLetterOrDigit(c) && c < 128) {
                    return "\\" + c;
                }
                throw PipelineException.unsupported(where, "regular expression escape \\" + c + " is not supported");
        }
    }

    /** A $regex operand with its $options (or a BSON regular expression with its own flags). */
    static BsonRegularExpression regexOf(BsonValue v, BsonValue options, String where) {
        String flags = "";
        if (options != null) {
            if (!options.isString()) {
                throw PipelineException.malformed(where, "$options must be a string");
            }
            flags = options.asString().getValue();
        }
        if (v.isString()) {
            return new BsonRegularExpression(v.asString().getValue(), flags);
        }
        if (v.isRegularExpression()) {
            return new BsonRegularExpression(v.asRegularExpression().getPattern(),
                    v.asRegularExpression().getOptions() + flags);
        }
        throw PipelineException.malformed(where, "$regex needs a string or a regular expression");
    }
}
