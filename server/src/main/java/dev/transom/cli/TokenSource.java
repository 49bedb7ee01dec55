package dev.transom.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code serve}'s token comes from: {@code --token T}, {@code --token-file PATH} or the
 * {@code TRANSOM_TOKEN} environment variable (in that order of precedence; the two flags together
 * are a usage error). A flag's value is visible to every user of the machine in {@code ps}; a file
 * or the environment (readable only by the same user, in {@code /proc/PID/environ}) is not.
 */
final class TokenSource {
  static final String ENV = "TRANSOM_TOKEN";

  private TokenSource() {}

  /** The token, or null when none is configured. Problems are UsageExceptions worded for the user. */
  static String resolve(Args a, Map<String, String> env, PrintStream err) throws UsageException {
    String flag = a.flag("token");
    String file = a.flag("token-file");
    if (flag != null && file != null) {
      throw new UsageException("give the token once: --token or --token-file, not both");
    }
    if (flag != null) {
      err.println("transom: warning: --token is visible to other users in 'ps'; use --token-file PATH or "
          + ENV + " to keep it out of the command line");
      if (flag.isEmpty()) {
        throw new UsageException("--token is empty");
      }
      return flag;
    }
    if (file != null) {
      return readFile(Path.of(file), err);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && fromEnv.isEmpty()) {
      // Set but empty reads like "protected" to whoever set it; refusing beats serving an open API.
      throw new UsageException(ENV + " is set but empty; unset it to run without a token");
    }
    return fromEnv;
  }

  private static String readFile(Path path, PrintStream err) throws UsageException {
    String text;
    try {
      if (Files.size(path) > 4096) {
        throw new UsageException("--token-file " + path + " is larger than 4 KiB; it should hold just the token");
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read --token-file " + path + ": " + describe(e));
    }
    String token = text.strip(); // editors and `echo` leave a newline at the end
    if (token.isEmpty()) {
      throw new UsageException("--token-file " + path + " is empty");
    }
    if (token.contains("\n")) {
      throw new UsageException("--token-file " + path + " holds more than one line; it should hold just the token");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
        err.println("transom: warning: --token-file " + path + " is readable by other users (chmod 600 it)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no POSIX permissions to check here
    }
    return token;
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
