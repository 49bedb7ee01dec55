package dev.transom.fuzz;

import java.util.regex.Pattern;

/** What a message shown to a user must not be: empty, several lines, an exception's words or a stack trace. */
public final class Words {
  private Words() {}

  private static final Pattern CLASS_NAME = Pattern.compile(
      "\\b(java|javax|jdk|sun|org|com|dev|io|net)\\.[a-z][a-zA-Z0-9_]*\\.[a-zA-Z]");
  /** A Java method named the way Jackson's limits name theirs: {@code StreamReadConstraints.getMaxNumberLength()}. */
  private static final Pattern METHOD = Pattern.compile("\\b[A-Z][A-Za-z0-9]+\\.[a-z][A-Za-z0-9]*\\(\\)");
  private static final Pattern STACK = Pattern.compile("(?m)^\\s*at [\\w$.]+\\(|\\tat |Exception|Caused by:");

  /** Why {@code message} is not fit to show, or null. */
  public static String problem(String message) {
    if (message == null || message.isBlank()) {
      return "an empty message";
    }
    if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
      return "a message of several lines";
    }
    if (message.length() > 1_000) {
      return "a message of " + message.length() + " characters";
    }
    return leak(message);
  }

  /** Why {@code text} (a message, a response body, a log) shows the inside of the server, or null. */
  public static String leak(String text) {
    java.util.regex.Matcher m = STACK.matcher(text);
    if (m.find()) {
      return "an exception's name or a stack trace" + around(text, m.start());
    }
    m = CLASS_NAME.matcher(text);
    java.util.regex.Matcher method = METHOD.matcher(text);
    if (m.find() || method.find()) {
      return "a Java class name" + around(text, m.hitEnd() ? method.start() : m.start());
    }
    return null;
  }

  private static String around(String text, int at) {
    int from = Math.max(0, at - 80);
    return " (at: '" + text.substring(from, Math.min(text.length(), at + 120)).replace("\n", "\\n") + "')";
  }
}
