package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSourceTest {
  @TempDir
  Path tmp;
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true);

  private String resolve(Map<String, String> env, String... args) throws UsageException {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return TokenSource.resolve(Args.parse(all, 1, Set.of("token", "token-file")), env, err);
  }

  private String message(Map<String, String> env, String... args) {
    return assertThrows(UsageException.class, () -> resolve(env, args)).getMessage();
  }

  @Test
  void aFileGivesItsOneLineWithoutTheNewlineAndWinsOverTheEnvironment() throws Exception {
    Path f = Files.writeString(tmp.resolve("token"), "  from-file\n");
    assertEquals("from-file", resolve(Map.of(TokenSource.ENV, "from-env"), "--token-file", f.toString()));
  }

  @Test
  void theEnvironmentIsUsedWhenNoFlagIsGiven() throws Exception {
    assertEquals("from-env", resolve(Map.of(TokenSource.ENV, "from-env")));
    assertNull(resolve(Map.of()));
    assertEquals("", errBytes.toString());
  }

  @Test
  void aTokenOnTheCommandLineWorksButWarnsThatPsShowsIt() throws Exception {
    assertEquals("t", resolve(Map.of(), "--token", "t"));
    assertTrue(errBytes.toString().contains("visible to other users in 'ps'"), errBytes.toString());
  }

  @Test
  void unusableSourcesAreUsageErrorsThatSayWhy() throws Exception {
    assertTrue(message(Map.of(), "--token-file", tmp.resolve("absent").toString()).contains("no such file"));
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertTrue(message(Map.of(), "--token-file", empty.toString()).contains("is empty"));
    Path two = Files.writeString(tmp.resolve("two"), "a\nb\n");
    assertTrue(message(Map.of(), "--token-file", two.toString()).contains("more than one line"));
    assertTrue(message(Map.of(), "--token", "a", "--token-file", two.toString()).contains("not both"));
    assertTrue(message(Map.of(TokenSource.ENV, "")).contains("set but empty"));
    assertTrue(message(Map.of(), "--token-file", tmp.toString()).contains("cannot read"));
  }

  @Test
  void aTokenFileOthersCanReadIsWarnedAbout() throws Exception {
    Path f = Files.writeString(tmp.resolve("token"), "t\n");
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    resolve(Map.of(), "--token-file", f.toString());
    assertTrue(errBytes.toString().contains("chmod 600"), errBytes.toString());
    errBytes.reset();
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    resolve(Map.of(), "--token-file", f.toString());
    assertEquals("", errBytes.toString());
  }
}
