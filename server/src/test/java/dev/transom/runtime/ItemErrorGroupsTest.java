package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.compile.ItemError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ItemErrorGroupsTest {
  @Test
  void oneGroupPerFieldAndMessageWithItsCountAndLatestItem() {
    ItemErrorGroups g = new ItemErrorGroups();
    for (int i = 0; i < 20; i++) {
      g.add(new ItemError("key", "no such key: user", "item " + i), Instant.ofEpochMilli(1_000 + i));
    }
    g.add(new ItemError("value", "no such key: user", "other"), Instant.ofEpochMilli(500));
    ItemErrorGroups.View v = g.view("p");
    assertEquals(21, v.total());
    assertEquals(2, v.groups().size());
    ItemErrorGroups.Group first = v.groups().get(0);
    assertEquals("key", first.field(), "most recent first");
    assertEquals(20, first.count());
    assertEquals("item 19", first.lastItem());
    assertEquals(Instant.ofEpochMilli(1_000), first.firstTime());
  }

  @Test
  void aNewGroupPushesOutTheOneSeenLeastRecently() {
    ItemErrorGroups g = new ItemErrorGroups();
    for (int i = 0; i < ItemErrorGroups.GROUPS; i++) {
      g.add(new ItemError("key", "message " + i, null), Instant.ofEpochMilli(i));
    }
    g.add(new ItemError("key", "message 0", null), Instant.ofEpochMilli(1_000)); // seen again: now the newest
    g.add(new ItemError("key", "a new one", null), Instant.ofEpochMilli(1_001));
    ItemErrorGroups.View v = g.view("p");
    assertEquals(ItemErrorGroups.GROUPS, v.groups().size());
    assertTrue(v.groups().stream().noneMatch(x -> x.message().equals("message 1")), "the least recent went");
    assertTrue(v.groups().stream().anyMatch(x -> x.message().equals("message 0")));
    assertEquals(ItemErrorGroups.GROUPS + 2, v.total(), "the total counts them all");
  }
}
