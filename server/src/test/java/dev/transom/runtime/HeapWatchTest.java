package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapWatchTest {
  @Test
  void readsTheHeapAsTheLastCollectionLeftIt() {
    System.gc(); // so every pool has been collected once
    HeapWatch generous = new HeapWatch(1.0);
    assertTrue(generous.afterLastCollection() > 0, "the heap in use after a collection is never nothing");
    assertNull(generous.full());
    HeapWatch tiny = new HeapWatch(1e-9);
    String why = tiny.full();
    assertNotNull(why);
    assertTrue(why.contains("full after garbage collection"), why);
  }
}
