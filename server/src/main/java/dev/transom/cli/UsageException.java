package dev.transom.cli;

/** Wrong command-line arguments: printed with the command's usage, exit code 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
