package io.mongopgsync.schedule;

import java.text.ParseException;
import java.util.BitSet;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Accepts the original design's five-field Unix cron ({@code 0 *&#47;6 * * *}) and Quartz's six/seven-field form,
 * and turns either into a valid Quartz expression.
 */
public final class CronSchedules {

    private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private CronSchedules() {
    }

    /**
     * @return the Quartz expression for {@code expression}
     * @throws IllegalArgumentException saying why the expression is not usable
     */
    public static String toQuartz(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        String[] fields = expression.trim().split("\\s+");
        String quartz = switch (fields.length) {
            case 5 -> fromUnix(fields);
            case 6, 7 -> String.join(" ", fields);
            default -> throw new IllegalArgumentException("has " + fields.length + " fields; expected 5 (minute hour "
                    + "day-of-month month day-of-week) or 6-7 (Quartz: second minute hour day-of-month month "
                    + "day-of-week [year])");
        };
        try {
            CronExpression.validateExpression(quartz);
        } catch (ParseException e) {
            String converted = fields.length == 5 ? " (as Quartz: '" + quartz + "')" : "";
            throw new IllegalArgumentException("is not a valid cron expression" + converted + ": " + e.getMessage());
        }
        requireAFutureFiring(expression, quartz);
        return quartz;
    }

    /** A schedule that matches no future time (31 February, a past year) would be stored and never run. */
    private static void requireAFutureFiring(String expression, String quartz) {
        try {
            CronExpression cron = new CronExpression(quartz);
            cron.setTimeZone(TimeZone.getTimeZone("UTC"));
            if (cron.getNextValidTimeAfter(new Date()) == null) {
                throw new IllegalArgumentException("never fires: '" + expression + "' matches no date from now on "
                        + "(a day that does not exist in that month, or a year in the past)");
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("is not a valid cron expression: " + e.getMessage());
        }
    }

    private static String fromUnix(String[] f) {
        String minute = f[0];
        String hour = f[1];
        String dayOfMonth = f[2];
        String month = f[3];
        String dayOfWeek = f[4];
        boolean anyDom = dayOfMonth.equals("*") || dayOfMonth.equals("?");
        boolean anyDow = dayOfWeek.equals("*") || dayOfWeek.equals("?");
        if (!anyDom && !anyDow) {
            throw new IllegalArgumentException("restricts both day-of-month and day-of-week, which Quartz cannot "
                    + "express; restrict only one of them");
        }
        String quartzDom = anyDom && !anyDow ? "?" : dayOfMonth.equals("?") ? "*" : dayOfMonth;
        String quartzDow = anyDow ? "?" : unixDaysOfWeek(dayOfWeek);
        return "0 " + minute + " " + hour + " " + quartzDom + " " + month + " " + quartzDow;
    }

    /** Unix numbers days 0-7 (0 and 7 are Sunday), Quartz 1-7 (1 is Sunday): expand and name them. */
    static String unixDaysOfWeek(String field) {
        BitSet days = new BitSet(7);
        for (String item : field.split(",")) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = parseNumber(item.substring(slash + 1), "step");
                range = item.substring(0, slash);
                if (step < 1) {
                    throw new IllegalArgumentException("has a day-of-week step below 1: " + item);
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = 0;
                to = 6;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = day(ends[0]);
                to = day(ends[1]);
                if (to == 0 && from > 0) {
                    to = 7;
                }
            } else {
                from = day(range);
                to = slash >= 0 ? 6 : from;
            }
            if (from > to) {
                throw new IllegalArgumentException("has a day-of-week range that runs backwards: " + item);
            }
            for (int d = from; d <= to; d += step) {
                days.set(d % 7);
            }
        }
        StringJoiner names = new StringJoiner(",");
        days.stream().forEach(d -> names.add(DAY_NAMES.get(d)));
        return names.toString();
    }

    private static int day(String token) {
        String upper = token.toUpperCase(Locale.ROOT);
        int named = DAY_NAMES.indexOf(upper);
        if (named >= 0) {
            return named;
        }
        int n = parseNumber(token, "day of week");
        if (n < 0 || n > 7) {
            throw new IllegalArgumentException("has day of week " + n + "; Unix cron days are 0-7 (0 and 7 are Sunday)");
        }
        return n;
    }

    private static int parseNumber(String token, String what) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has an invalid " + what + ": '" + token + "'");
        }
    }
}
