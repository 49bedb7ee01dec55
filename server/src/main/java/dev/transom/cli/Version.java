package dev.transom.cli;

/** Transom's version, as {@code --version}, the start's log line and {@code transom_build_info} give it. */
public final class Version {
  private Version() {}

  /** The Maven project version from the jar's manifest; {@code dev} when run from classes. */
  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
