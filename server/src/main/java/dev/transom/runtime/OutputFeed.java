package dev.transom.runtime;

import dev.transom.io.JsonValues;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A pipeline's outputs as {@code /outputs} and its live streams see them: the recent ones in a ring,
 * each numbered, and the streams following them.
 *
 * <p>An output's id is {@code INCARNATION-SEQ}. The sequence restarts with every feed (a server
 * start, a pipeline created again after a delete), so the random incarnation tells a client's
 * {@code Last-Event-ID} from another feed apart from one of this feed: only this feed's ids can be
 * resumed from. Everything a stream receives is handed to it under this feed's lock, replay and live
 * alike, so a resumed stream sees each output once and misses none at the seam.
 */
public final class OutputFeed {
  /** One Server-Sent Event; {@code last} ends the stream after it. */
  public record Event(String name, String id, String data, boolean last) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  /** Longer than any id this feed gives: anything longer is not worth parsing. */
  private static final int MAX_ID_CHARS = 40;

  private final int capacity;
  private final String incarnation = String.format("%012x", RANDOM.nextLong() >>> 16);
  private final ArrayDeque<Map<String, Object>> ring = new ArrayDeque<>();
  /** The sequence number of the newest output (0 before the first). */
  private long lastSeq;
  private final List<Consumer<Event>> streams = new CopyOnWriteArrayList<>();
  /** Set once the pipeline is gone: what a stream that subscribes later receives at once. */
  private Event ending;

  OutputFeed(int capacity) {
    this.capacity = capacity;
  }

  private String id(long seq) {
    return incarnation + "-" + seq;
  }

  synchronized void output(Map<String, Object> record) {
    lastSeq++;
    ring.addLast(record);
    if (ring.size() > capacity) {
      ring.removeFirst();
    }
    if (!streams.isEmpty()) {
      Event e = new Event("output", id(lastSeq), JsonValues.toJson(record), false);
      for (Consumer<Event> s : streams) {
        s.accept(e);
      }
    }
  }

  /**
   * A new version took over (README: hot reload). It carries the id of the last output before it, so a
   * client that reconnects right after it resumes exactly there.
   */
  synchronized void reload(String pipeline, int version, String windows) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pipeline", pipeline);
    body.put("version", version);
    body.put("windows", windows);
    Event e = new Event("reload", id(lastSeq), JsonValues.toJson(body), false);
    for (Consumer<Event> s : streams) {
      s.accept(e);
    }
  }

  /** The pipeline is gone for good: every stream gets {@code deleted} and ends, now or when it subscribes. */
  synchronized void deleted(String pipeline) {
    if (ending != null) {
      return;
    }
    ending = new Event("deleted", id(lastSeq), JsonValues.toJson(Map.of("pipeline", pipeline)), true);
    for (Consumer<Event> s : streams) {
      s.accept(ending);
    }
    streams.clear();
  }

  public synchronized List<Map<String, Object>> recent(int limit) {
    List<Map<String, Object>> all = new ArrayList<>(ring);
    return all.subList(Math.max(0, all.size() - limit), all.size());
  }

  /**
   * Starts a stream: first what it missed since {@code lastEventId} (null: nothing, it starts now),
   * or a {@code gap} event when that cannot be told, then every output from now on. Returns the id
   * the stream starts from, which the client should hold before any event arrives.
   *
   * @param maxReplayChars more JSON than this to replay is a gap too: the client could not take it
   *     without being cut off as a slow reader, and would then ask for the same again
   */
  public synchronized String subscribe(String pipeline, String lastEventId, long maxReplayChars, Consumer<Event> stream) {
    if (ending != null) {
      stream.accept(ending);
      return id(lastSeq);
    }
    String start = id(lastSeq);
    if (lastEventId != null) {
      long from = resumable(lastEventId);
      List<Event> replay = from < 0 ? null : replayAfter(from, maxReplayChars);
      if (replay != null) {
        start = id(from);
        replay.forEach(stream);
      } else {
        stream.accept(gap(pipeline, lastEventId, from < 0 ? from : FROM_TOO_MANY));
      }
    }
    streams.add(stream);
    return start;
  }

  public void unsubscribe(Consumer<Event> stream) {
    streams.remove(stream);
  }

  private static final long FROM_UNKNOWN = -1;
  private static final long FROM_OTHER_FEED = -2;
  private static final long FROM_TOO_OLD = -3;
  private static final long FROM_TOO_MANY = -4;

  /** The sequence number to resume after, or one of the {@code FROM_} reasons it cannot be. */
  private long resumable(String lastEventId) {
    String given = lastEventId.strip();
    int dash = given.lastIndexOf('-');
    if (given.length() > MAX_ID_CHARS || dash <= 0 || dash == given.length() - 1 || given.length() - dash > 19) {
      return FROM_UNKNOWN;
    }
    for (int i = dash + 1; i < given.length(); i++) {
      if (given.charAt(i) < '0' || given.charAt(i) > '9') {
        return FROM_UNKNOWN;
      }
    }
    long seq = Long.parseLong(given.substring(dash + 1));
    if (!given.substring(0, dash).equals(incarnation)) {
      return FROM_OTHER_FEED;
    }
    if (seq > lastSeq) {
      return FROM_UNKNOWN; // never given by this feed
    }
    return seq < lastSeq - ring.size() ? FROM_TOO_OLD : seq;
  }

  /** The outputs after {@code from}, or null when their JSON is more than {@code maxChars}. */
  private List<Event> replayAfter(long from, long maxChars) {
    List<Event> events = new ArrayList<>();
    long seq = lastSeq - ring.size();
    long chars = 0;
    for (Map<String, Object> record : ring) {
      seq++;
      if (seq > from) {
        String json = JsonValues.toJson(record);
        chars += json.length();
        if (chars > maxChars) {
          return null;
        }
        events.add(new Event("output", id(seq), json, false));
      }
    }
    return events;
  }

  private Event gap(String pipeline, String lastEventId, long why) {
    String shown = lastEventId.length() > MAX_ID_CHARS ? lastEventId.substring(0, MAX_ID_CHARS) + "..." : lastEventId;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pipeline", pipeline);
    body.put("last_event_id", shown);
    String reason;
    String message;
    Long missed = null;
    if (why == FROM_OTHER_FEED) {
      reason = "other_run";
      message = "the id is from an earlier run of the server or an earlier pipeline of this id";
    } else if (why == FROM_TOO_OLD) {
      reason = "too_old";
      message = "the outputs after the id are older than the " + capacity + " the server keeps";
      missed = lastSeq - Long.parseLong(lastEventId.strip().substring(lastEventId.strip().lastIndexOf('-') + 1));
    } else if (why == FROM_TOO_MANY) {
      reason = "too_many";
      message = "the outputs after the id are more than one stream may be sent at once";
      missed = lastSeq - Long.parseLong(lastEventId.strip().substring(lastEventId.strip().lastIndexOf('-') + 1));
    } else {
      reason = "unknown_id";
      message = "the id is not one this stream gave";
    }
    body.put("reason", reason);
    body.put("message", message + "; the stream goes on from now, and the recent outputs are at the 'outputs' path");
    body.put("missed", missed);
    body.put("outputs", "/api/pipelines/" + pipeline + "/outputs?limit=" + capacity);
    return new Event("gap", id(lastSeq), JsonValues.toJson(body), false);
  }
}
