package dev.transom.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server's token and the check of an {@code Authorization} header against it.
 *
 * <p>Both sides are hashed before {@link MessageDigest#isEqual} compares them: its time does not
 * depend on where the bytes differ, and comparing fixed-length digests also keeps the token's length
 * out of the timing. The scheme is case-insensitive (RFC 9110 §11.1), so {@code bearer} works.
 */
public final class BearerToken {
  private final byte[] digest;

  private BearerToken(String token) {
    this.digest = sha256(token);
  }

  /** Throws with a one-line reason when the token could not be sent in a header as it is. */
  public static BearerToken of(String token) throws IllegalArgumentException {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the token is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException("the token may hold only visible ASCII characters, no spaces");
      }
    }
    return new BearerToken(token);
  }

  /** Null when the header carries this token, else what is wrong with it (never the token). */
  String refuse(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "missing bearer token (send Authorization: Bearer <token>)";
    }
    String h = authorization.strip();
    int space = 0;
    while (space < h.length() && h.charAt(space) != ' ' && h.charAt(space) != '\t') {
      space++;
    }
    if (!h.substring(0, space).equalsIgnoreCase("Bearer")) {
      return "the Authorization header must use the Bearer scheme (Authorization: Bearer <token>)";
    }
    String presented = h.substring(space).strip();
    if (!MessageDigest.isEqual(sha256(presented), digest)) {
      return "wrong bearer token";
    }
    return null;
  }

  /** Null when {@code presented} (the stream's {@code access_token}) is this token, else what is wrong (never the token). */
  String refuseAccessToken(String presented) {
    return MessageDigest.isEqual(sha256(presented), digest) ? null : "wrong token in access_token";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
