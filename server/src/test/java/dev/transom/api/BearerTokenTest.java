package dev.transom.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  private final BearerToken token = BearerToken.of("s3cret-T0ken");

  @Test
  void theSchemeIsCaseInsensitive() {
    assertNull(token.refuse("Bearer s3cret-T0ken"));
    assertNull(token.refuse("bearer s3cret-T0ken"));
    assertNull(token.refuse("BEARER   s3cret-T0ken "));
  }

  @Test
  void theTokenIsNot() {
    assertNotNull(token.refuse("Bearer S3CRET-T0KEN"));
    assertNotNull(token.refuse("Bearer s3cret-T0ke"));
    assertNotNull(token.refuse("Bearer s3cret-T0kenX"));
    assertNotNull(token.refuse("Bearer "));
  }

  @Test
  void eachRefusalSaysWhatIsWrongAndNeverEchoesTheToken() {
    assertTrue(token.refuse(null).contains("missing"));
    assertTrue(token.refuse("Basic czNjcmV0").contains("Bearer scheme"));
    assertTrue(token.refuse("Bearer guess").contains("wrong"));
    assertTrue(token.refuse("Bearers3cret-T0ken").contains("Bearer scheme"));
    assertFalse(token.refuse("Bearer s3cret-T0kem").contains("s3cret"));
  }

  @Test
  void tokensThatCannotTravelInAHeaderAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> BearerToken.of(""));
    assertThrows(IllegalArgumentException.class, () -> BearerToken.of("two words"));
    assertThrows(IllegalArgumentException.class, () -> BearerToken.of("tab\there"));
    assertThrows(IllegalArgumentException.class, () -> BearerToken.of("caf\u00e9"));
  }
}
