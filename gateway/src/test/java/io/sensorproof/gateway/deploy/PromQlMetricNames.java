package io.sensorproof.gateway.deploy;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, so the committed alert rules and dashboard can be
 * checked against what the gateway really exports. A small lexical pass, not a parser: string
 * literals, label matchers, range and subquery brackets and grouping label lists are removed, then
 * every identifier that is not a function call or a keyword is a metric name. Enough for the
 * expressions in {@code deploy/}; a {@code {__name__=~"…"}} selector would name no metric and is
 * refused instead, so every query stays checkable.
 */
public final class PromQlMetricNames {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "inf", "nan", "atan2");

    private PromQlMetricNames() {
    }

    /** The metric names {@code expression} reads, sorted. */
    public static Set<String> of(String expression) {
        if (expression.contains("__name__")) {
            throw new IllegalArgumentException("selector by __name__ names no metric: " + expression);
        }
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String word = m.group();
            if (KEYWORDS.contains(word.toLowerCase(Locale.ROOT)) || followedByParenthesis(rest, m.end())) {
                continue;
            }
            names.add(word);
        }
        return names;
    }

    private static boolean followedByParenthesis(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '(';
    }
}
