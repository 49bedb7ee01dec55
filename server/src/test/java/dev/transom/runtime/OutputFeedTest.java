package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ids, resume and gaps of the live outputs, without a server. */
class OutputFeedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<OutputFeed.Event> events(OutputFeed feed, String lastEventId, long maxChars) {
    List<OutputFeed.Event> got = new ArrayList<>();
    feed.subscribe("p", lastEventId, maxChars, got::add);
    return got;
  }

  private static void emit(OutputFeed feed, int from, int to) {
    for (int i = from; i <= to; i++) {
      feed.output(Map.of("value", i));
    }
  }

  private static int value(OutputFeed.Event e) throws Exception {
    return JSON.readTree(e.data()).get("value").asInt();
  }

  @Test
  void resumingReplaysExactlyWhatCameAfterTheIdThenGoesLive() throws Exception {
    OutputFeed feed = new OutputFeed(10);
    List<OutputFeed.Event> first = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 5);
    assertEquals(5, first.size());
    String third = first.get(2).id();
    List<OutputFeed.Event> resumed = events(feed, third, Long.MAX_VALUE);
    emit(feed, 6, 6);
    assertEquals(List.of(4, 5, 6), resumed.stream().map(e -> {
      try {
        return value(e);
      } catch (Exception x) {
        throw new AssertionError(x);
      }
    }).toList());
    assertEquals(first.get(3).id(), resumed.get(0).id(), "a replayed output keeps its id");
    assertTrue(resumed.stream().allMatch(e -> e.name().equals("output")));
  }

  @Test
  void theIdOfTheNewestOutputResumesWithNothingToReplay() {
    OutputFeed feed = new OutputFeed(10);
    List<OutputFeed.Event> all = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 3);
    assertEquals(List.of(), events(feed, all.get(2).id(), Long.MAX_VALUE));
  }

  @Test
  void anIdOlderThanTheRingIsAGapCountingWhatWasMissed() throws Exception {
    OutputFeed feed = new OutputFeed(3);
    List<OutputFeed.Event> all = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 10);
    List<OutputFeed.Event> resumed = events(feed, all.get(5).id(), Long.MAX_VALUE); // 7-10 to send, 8-10 kept
    assertEquals(1, resumed.size());
    assertEquals("gap", resumed.get(0).name());
    JsonNode body = JSON.readTree(resumed.get(0).data());
    assertEquals("too_old", body.get("reason").asText());
    assertEquals(4, body.get("missed").asInt());
    assertEquals("/api/pipelines/p/outputs?limit=3", body.get("outputs").asText());
    assertEquals(all.get(9).id(), resumed.get(0).id(), "a gap moves the client's position to now");
    // the oldest id still resumable: the one just before the ring
    assertEquals(3, events(feed, all.get(6).id(), Long.MAX_VALUE).size());
  }

  @Test
  void idsOfAnotherFeedOrNotGivenByThisOneAreGaps() throws Exception {
    OutputFeed before = new OutputFeed(10);
    List<OutputFeed.Event> old = events(before, null, Long.MAX_VALUE);
    emit(before, 1, 2);
    OutputFeed feed = new OutputFeed(10); // the server restarted: sequence numbers begin again
    List<OutputFeed.Event> live = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 2);
    assertEquals(old.get(1).id().replaceAll(".*-", ""), live.get(1).id().replaceAll(".*-", ""), "the same sequence number");
    assertNotEquals(old.get(1).id(), live.get(1).id());
    String[][] cases = {
        {old.get(1).id(), "other_run"},
        {"garbage", "unknown_id"},
        {"", "unknown_id"},
        {"-5", "unknown_id"},
        {old.get(1).id().replaceAll("-.*", "-x"), "unknown_id"},
        {"a".repeat(500) + "-1", "unknown_id"},
    };
    for (String[] c : cases) {
      List<OutputFeed.Event> got = events(feed, c[0], Long.MAX_VALUE);
      assertEquals(1, got.size(), c[0]);
      assertEquals("gap", got.get(0).name(), c[0]);
      assertEquals(c[1], JSON.readTree(got.get(0).data()).get("reason").asText(), c[0]);
    }
    String newest = live.get(1).id();
    String ahead = newest.substring(0, newest.lastIndexOf('-') + 1) + "99";
    assertEquals("unknown_id", JSON.readTree(events(feed, ahead, Long.MAX_VALUE).get(0).data()).get("reason").asText());
  }

  @Test
  void moreToReplayThanAStreamMayHoldIsAGap() throws Exception {
    OutputFeed feed = new OutputFeed(100);
    List<OutputFeed.Event> all = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 50);
    List<OutputFeed.Event> got = events(feed, all.get(0).id(), 100);
    assertEquals(1, got.size());
    assertEquals("too_many", JSON.readTree(got.get(0).data()).get("reason").asText());
    assertEquals(49, JSON.readTree(got.get(0).data()).get("missed").asInt());
  }

  @Test
  void reloadAndDeletedReachEveryStreamAndDeletedEndsThemAll() throws Exception {
    OutputFeed feed = new OutputFeed(10);
    List<OutputFeed.Event> got = events(feed, null, Long.MAX_VALUE);
    emit(feed, 1, 1);
    feed.reload("p", 2, "flushed");
    feed.deleted("p");
    emit(feed, 2, 2); // nothing after the end
    assertEquals(List.of("output", "reload", "deleted"), got.stream().map(OutputFeed.Event::name).toList());
    assertEquals(got.get(0).id(), got.get(1).id(), "a reload carries the position of the last output");
    JsonNode reload = JSON.readTree(got.get(1).data());
    assertEquals(2, reload.get("version").asInt());
    assertEquals("flushed", reload.get("windows").asText());
    assertTrue(got.get(2).last());
    List<OutputFeed.Event> late = events(feed, null, Long.MAX_VALUE);
    assertEquals(List.of("deleted"), late.stream().map(OutputFeed.Event::name).toList(), "a stream opened after the end ends at once");
  }
}
