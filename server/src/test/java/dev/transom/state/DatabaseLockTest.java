package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** A locked state file is in use, not damaged: it must never get the advice to move it aside. */
class DatabaseLockTest {
  @Test
  void aLockIsToldFromDamage() {
    assertTrue(Database.isLocked(new SQLException("Database may be already in use: null. Possible solutions: close all "
        + "other connection(s); use the server mode", "90020", org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1)));
    assertTrue(Database.isLocked(new SQLException("wrapped", new IllegalStateException("The file is locked: data/transom.mv.db"))));
    assertFalse(Database.isLocked(new SQLException("File corrupted while reading record", "90030",
        org.h2.api.ErrorCode.FILE_CORRUPTED_1)));
  }
}
