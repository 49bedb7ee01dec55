package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which checkpoint errors pause a pipeline (storage: retried) and which fail it (anything else). */
class StorageFailureTest {
  @Test
  void ioSqlAndAClosedStoreAreStorageWhereverTheyAreInTheChain() {
    assertTrue(H2State.isStorageFailure(new IOException("No space left on device")));
    assertTrue(H2State.isStorageFailure(new CompletionException(new SQLException("The database has been closed"))));
    assertTrue(H2State.isStorageFailure(new RuntimeException(new java.io.UncheckedIOException(new IOException("x")))));
    assertTrue(H2State.isStorageFailure(new IllegalStateException("state store closed")));
  }

  @Test
  void bugsAndErrorsAreNotStorage() {
    assertFalse(H2State.isStorageFailure(new NullPointerException()));
    assertFalse(H2State.isStorageFailure(new CompletionException(new IllegalArgumentException("cannot encode"))));
    assertFalse(H2State.isStorageFailure(new StackOverflowError()));
    assertFalse(H2State.isStorageFailure(new IllegalStateException("something else")));
  }
}
