package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;

/**
 * The window operator: per-key clocks, windowers and accumulators (docs/semantics.md), driven by
 * items, wake-ups and end of input, with system time always passed in.
 *
 * <p>Per item: the aggregate first checks the value (a rejected item touches nothing, not even the
 * watermark); the item's time moves its clock; windows the new watermark has passed close and are
 * emitted; then the item goes into its open windows and is reported late for closed ones.
 *
 * <p>Keys with open windows sit in a heap ordered by when their earliest window will close: the
 * system time for per-key clocks, the watermark for a shared clock. {@link #nextWakeMicros()}
 * reads its top so the runtime can sleep until then; {@link #advance} closes what is due.
 *
 * <p>Not thread-safe: one operator belongs to one thread (one event loop, one partition of keys).
 *
 * <p>Longer than most files: items, wake-ups, a checkpoint's writing of a key group and a restore
 * all work on the one key table, heap and group lists, which stay private to it.
 */
public final class WindowOperator {
  private final Windower windower;
  private final Aggregate aggregate;
  /** Stateless, shared by every key: per-key state lives in {@link KeyState}. */
  private final ClockLogic clock;
  private final WindowerLogic windows;
  /** The pipeline's one clock ({@code scope: pipeline}, system clock), else {@code null}: each key has its own. */
  private final ClockState sharedClock;
  private final KeyTable keys = new KeyTable();
  private final KeyHeap heap = new KeyHeap();
  private final WindowerLogic.AddOutcome outcome = new WindowerLogic.AddOutcome();
  private long nextSeq;
  private long unwindowed;
  private int openWindows;
  /** The characters of every key held, for {@link #keyChars()}: keys are most of a flood's memory. */
  private long keyChars;
  /** The largest {@code watermark - now} any key's clock has had: the display watermark, O(1). */
  private long maxWatermarkLeadMicros = Micros.NEG_INFINITY;
  /** Keys whose state changed since {@link #drainChangedKeys()} was last called (incremental checkpoints). */
  private java.util.HashSet<String> changedKeys = new java.util.HashSet<>();
  /** Off unless someone drains the changed keys (the server's checkpoints); {@code run} pays nothing. */
  private boolean trackChanges;
  /** While tracking changes: per key group, the first of its keys (linked through {@link KeyState#groupNext}). */
  private KeyState[] groupHeads;

  public WindowOperator(ClockConfig clock, Windower windower, Aggregate aggregate) {
    this.windower = windower;
    this.aggregate = aggregate;
    this.clock = clock.logic();
    this.windows = windower.logic();
    this.sharedClock = clock.sharedAcrossKeys() ? new ClockState() : null;
  }

  /**
   * Processes one item of {@code key}. {@code eventTimeMicros} is ignored by the system clock;
   * {@code rank} is the {@code min/max by:} value, else {@code null}.
   */
  public void process(String key, long eventTimeMicros, Object value, Object rank, long nowMicros, WindowSink sink) {
    String rejected = aggregate.reject(value, rank);
    if (rejected != null) {
      sink.itemError(key, rejected);
      return;
    }
    KeyState ks = keys.get(key);
    if (ks == null) {
      ks = new KeyState(key);
      keys.add(ks);
      keyChars += key.length();
      link(ks);
    }
    if (trackChanges) {
      changedKeys.add(key);
    }
    ClockState cs = sharedClock != null ? sharedClock : ks;
    long t = clock.itemTime(cs, eventTimeMicros, nowMicros);
    // "An item's own time counts before it is judged."
    clock.observe(cs, t, nowMicros);
    long wm = clock.watermark(cs, nowMicros);
    noteLead(wm, nowMicros);
    if (!ks.isEmpty()) {
      openWindows -= windows.closeUpTo(ks, wm, sink);
    }
    outcome.reset();
    windows.add(ks, t, wm, value, rank, nextSeq++, aggregate, sink, outcome);
    openWindows += outcome.openedNet;
    if (outcome.failure != null) {
      sink.itemError(key, outcome.failure);
    } else if (outcome.joined == 0 && outcome.late == 0) {
      unwindowed++;
    }
    settle(ks);
    advance(nowMicros, sink);
  }

  /** Keeps the largest {@code watermark - now} seen, for {@link #pipelineWatermark}. */
  private void noteLead(long wm, long nowMicros) {
    if (wm != Micros.POS_INFINITY && wm != Micros.NEG_INFINITY) {
      maxWatermarkLeadMicros = Math.max(maxWatermarkLeadMicros, wm - nowMicros);
    }
  }

  /**
   * A system time after every restored clock's last item: an event clock's {@code watermark - now}
   * is the same for every such time, so a restore takes each key's at this one, while the key is at
   * hand, instead of visiting every key again at the first {@link #pipelineWatermark} (a fifth of a
   * restore of 1M keys). A system clock stepped back past the stored clocks' gets a lower display
   * watermark until its keys see items again.
   */
  private static final long LEAD_PROBE_MICROS = Micros.MAX_ABS_TIME;

  /** A wake-up: closes every window whose close the watermark has reached by {@code nowMicros}. */
  public void advance(long nowMicros, WindowSink sink) {
    if (sharedClock != null) {
      long wm = clock.watermark(sharedClock, nowMicros);
      while (heap.peekTime() <= wm) {
        KeyState top = heap.peek();
        openWindows -= windows.closeUpTo(top, wm, sink);
        settle(top);
      }
    } else {
      while (heap.peekTime() <= nowMicros) {
        KeyState top = heap.peek();
        openWindows -= windows.closeUpTo(top, clock.watermark(top, nowMicros), sink);
        settle(top);
      }
    }
  }

  /** End of input (docs/semantics.md): every watermark becomes +inf and every open window closes. */
  public void finish(WindowSink sink) {
    if (sharedClock != null) {
      clock.endOfInput(sharedClock);
    } else {
      keys.forEach(clock::endOfInput);
    }
    KeyState top;
    while ((top = heap.peek()) != null) {
      openWindows -= windows.closeUpTo(top, Micros.POS_INFINITY, sink);
      settle(top);
    }
  }

  /**
   * Why {@link #closeNow} cannot close windows before their time, or {@code null} when it can.
   * {@code oneKey}: the windows of one key only.
   */
  public String closeRefusal(boolean oneKey) {
    if (!clock.canAdvance()) {
      return "on the system clock a window closes at its end: closing it sooner would let the next items open"
          + " another window with the same bounds";
    }
    if (oneKey && sharedClock != null) {
      return "clock.scope: pipeline shares one watermark among the keys: close the windows of every key, not of one";
    }
    return null;
  }

  /**
   * Closes and emits the open windows of {@code key} ({@code null}: of every key) now, by moving its
   * watermark to the latest end of them (a session's: its close time plus the gap), as an item that
   * late plus the wait would. Later items for those windows are then late, so no window opens twice.
   * Returns how many windows closed; see {@link #closeRefusal} for when it cannot.
   */
  public int closeNow(String key, long nowMicros, WindowSink sink) {
    if (closeRefusal(key != null) != null) {
      throw new IllegalStateException(closeRefusal(key != null));
    }
    List<KeyState> which = new ArrayList<>();
    if (key != null) {
      KeyState ks = keys.get(key);
      if (ks != null && !ks.isEmpty()) {
        which.add(ks);
      }
    } else {
      keys.forEach(ks -> {
        if (!ks.isEmpty()) {
          which.add(ks);
        }
      });
    }
    int before = openWindows;
    if (sharedClock != null) {
      long target = Micros.NEG_INFINITY;
      for (KeyState ks : which) {
        target = Math.max(target, latestDeadline(ks));
      }
      if (target != Micros.NEG_INFINITY) {
        clock.advanceTo(sharedClock, target, nowMicros);
        noteLead(clock.watermark(sharedClock, nowMicros), nowMicros);
        advance(nowMicros, sink);
      }
      return before - openWindows;
    }
    for (KeyState ks : which) {
      clock.advanceTo(ks, latestDeadline(ks), nowMicros);
      long wm = clock.watermark(ks, nowMicros);
      noteLead(wm, nowMicros);
      openWindows -= windows.closeUpTo(ks, wm, sink);
      settle(ks);
    }
    return before - openWindows;
  }

  /** The watermark that closes every open window of {@code ks}. */
  private long latestDeadline(KeyState ks) {
    long latest = Micros.NEG_INFINITY;
    for (int i = 0; i < ks.size(); i++) {
      latest = Math.max(latest, ks.get(i).closeMicros + windower.closeDelayMicros());
    }
    return latest;
  }

  /**
   * The system time at which the earliest open window will close if no item arrives;
   * {@link Micros#POS_INFINITY} when nothing is open.
   */
  public long nextWakeMicros() {
    if (heap.size() == 0) {
      return Micros.POS_INFINITY;
    }
    long time = heap.peekTime();
    return sharedClock != null ? clock.systemTimeWhenWatermarkReaches(sharedClock, time) : time;
  }

  /** The watermark of {@code key} now ({@link Micros#NEG_INFINITY} for a key never seen). */
  public long watermark(String key, long nowMicros) {
    if (sharedClock != null) {
      return clock.watermark(sharedClock, nowMicros);
    }
    KeyState ks = keys.get(key);
    return ks == null ? Micros.NEG_INFINITY : clock.watermark(ks, nowMicros);
  }

  /**
   * The pipeline's watermark for display: the shared clock's, or the most advanced key's
   * ({@link Micros#NEG_INFINITY} before any item). Constant time: an event clock's
   * {@code watermark - now} only changes when an item rebases it, so the operator tracks its maximum.
   */
  public long pipelineWatermark(long nowMicros) {
    if (sharedClock != null) {
      return clock.watermark(sharedClock, nowMicros);
    }
    return maxWatermarkLeadMicros == Micros.NEG_INFINITY ? Micros.NEG_INFINITY : nowMicros + maxWatermarkLeadMicros;
  }

  /** How many windows are open over all keys. */
  public int openWindowCount() {
    return openWindows;
  }

  /**
   * The system time at which {@code window} of {@code key} will close if no further item arrives
   * ("why hasn't this window closed?"); {@link Micros#POS_INFINITY} if never.
   */
  public long expectedCloseMicros(String key, OpenWindow window) {
    long deadline = window.closeMicros + windower.closeDelayMicros();
    ClockState cs = sharedClock != null ? sharedClock : keys.get(key);
    return cs == null ? Micros.POS_INFINITY : clock.systemTimeWhenWatermarkReaches(cs, deadline);
  }

  /** Items that fell in no window (the gaps of a sliding windower with offset > length). */
  public long unwindowedCount() {
    return unwindowed;
  }

  /** Keys with state: open windows, or a clock of their own (per-key clocks keep theirs). */
  public int keyCount() {
    return keys.size();
  }

  /** The total length of {@link #keys()}, in chars. */
  public long keyChars() {
    return keyChars;
  }

  public int openKeyCount() {
    return heap.size();
  }

  /** Visits every open window (for display). */
  public void forEachOpenWindow(OpenWindowVisitor visitor) {
    keys.forEach(ks -> {
      for (int i = 0; i < ks.size(); i++) {
        visitor.visit(ks.key, ks.get(i));
      }
    });
  }

  /** Visitor of {@link #forEachOpenWindow}. */
  @FunctionalInterface
  public interface OpenWindowVisitor {
    void visit(String key, OpenWindow window);
  }

  /**
   * Re-files a key after its windows or clock changed. docs/semantics.md: a key whose windows are all
   * closed holds no window state; with a shared clock it holds nothing at all.
   */
  private void settle(KeyState ks) {
    if (trackChanges) {
      changedKeys.add(ks.key);
    }
    if (ks.isEmpty()) {
      heap.remove(ks);
      if (sharedClock != null && keys.remove(ks)) {
        keyChars -= ks.key.length();
        unlink(ks);
      }
      return;
    }
    long deadline = windows.earliestDeadline(ks);
    heap.update(ks, sharedClock != null ? deadline : clock.systemTimeWhenWatermarkReaches(ks, deadline));
  }

  /** Starts recording which keys change, for {@link #drainChangedKeys()}, and filing keys by group ({@link #keysOf}). */
  public void trackChanges() {
    trackChanges = true;
    if (groupHeads == null) {
      groupHeads = new KeyState[KeyGroups.COUNT];
      keys.forEach(this::link);
    }
  }

  /** Pushes a new key on its group's list: no other key is touched (a new key costs one store more). */
  private void link(KeyState ks) {
    if (groupHeads != null) {
      int g = KeyGroups.of(ks.key);
      ks.groupNext = groupHeads[g];
      groupHeads[g] = ks;
    }
  }

  /**
   * A key without state any more: marked, and dropped from its group's list when that list is
   * next read (its change makes the next checkpoint read it).
   */
  private void unlink(KeyState ks) {
    ks.dropped = true;
  }

  /** The keys of one key group that have state now ({@link KeyGroups#of}); a scan of every key unless changes are tracked. */
  public List<String> keysOf(int group) {
    List<String> out = new ArrayList<>();
    forEachOf(group, ks -> out.add(ks.key));
    return out;
  }

  /**
   * Writes the state of the keys of one key group that {@code which} accepts, key after key, to
   * {@code out}: what {@link #snapshot(java.util.Collection)} of those keys holds, without a
   * snapshot object per key. A scan of every key unless changes are tracked.
   */
  public void writeGroup(int group, java.util.function.Predicate<String> which, StateWriter out) {
    forEachOf(group, ks -> {
      if (which.test(ks.key)) {
        int n = ks.size();
        out.key(ks.key, sharedClock != null ? null : clock.snapshot(ks), n);
        for (int i = 0; i < n; i++) {
          OpenWindow w = ks.get(i);
          out.window(w.openMicros, w.closeMicros, w.count, w.snapshot());
        }
      }
    });
  }

  /** Visits the keys of {@code group} that have state, dropping from its list the keys that lost theirs. */
  private void forEachOf(int group, java.util.function.Consumer<KeyState> action) {
    if (groupHeads == null) {
      keys.forEach(ks -> {
        if (KeyGroups.of(ks.key) == group) {
          action.accept(ks);
        }
      });
      return;
    }
    KeyState prev = null;
    for (KeyState ks = groupHeads[group]; ks != null; ks = ks.groupNext) {
      if (ks.dropped) {
        if (prev == null) {
          groupHeads[group] = ks.groupNext;
        } else {
          prev.groupNext = ks.groupNext;
        }
      } else {
        action.accept(ks);
        prev = ks;
      }
    }
  }

  /** The keys whose state changed since the last call (a key may since have no state at all). */
  public java.util.Set<String> drainChangedKeys() {
    java.util.Set<String> out = changedKeys;
    changedKeys = new java.util.HashSet<>();
    return out;
  }

  /** Every key that has state now. */
  public java.util.Set<String> keys() {
    return keys.keySet();
  }

  /** The state of some keys only (absent keys are left out), with the operator-wide header. */
  public OperatorSnapshot snapshot(java.util.Collection<String> which) {
    List<OperatorSnapshot.KeySnapshot> out = new ArrayList<>(which.size());
    for (String k : which) {
      KeyState ks = keys.get(k);
      if (ks != null) {
        out.add(keySnapshot(ks));
      }
    }
    return new OperatorSnapshot(nextSeq, sharedClock == null ? null : clock.snapshot(sharedClock), out);
  }

  private OperatorSnapshot.KeySnapshot keySnapshot(KeyState ks) {
    return new OperatorSnapshot.KeySnapshot(ks.key, sharedClock != null ? null : clock.snapshot(ks),
        ks.isEmpty() ? List.of() : WindowerLogic.snapshot(ks));
  }

  public OperatorSnapshot snapshot() {
    List<OperatorSnapshot.KeySnapshot> out = new ArrayList<>(keys.size());
    keys.forEach(ks -> out.add(keySnapshot(ks)));
    return new OperatorSnapshot(nextSeq, sharedClock == null ? null : clock.snapshot(sharedClock), out);
  }

  /**
   * Replaces all state with {@code snapshot}'s. The restored state is the baseline of the changes
   * tracked from here on: a restored key is not changed until an item or a close changes it. The
   * heap is ordered once, in linear time, when first needed (see {@link KeyHeap}), not key by key.
   */
  public void restore(OperatorSnapshot snapshot) {
    keys.clear();
    keys.reserve(snapshot.keys().size());
    if (groupHeads != null) {
      java.util.Arrays.fill(groupHeads, null);
    }
    keyChars = 0;
    heap.clear();
    nextSeq = snapshot.nextSeq();
    changedKeys = new java.util.HashSet<>();
    openWindows = 0;
    maxWatermarkLeadMicros = Micros.NEG_INFINITY;
    if (sharedClock != null && snapshot.sharedClock() != null) {
      clock.restore(sharedClock, snapshot.sharedClock());
    }
    Restorer restorer = new Restorer(snapshot.keys() instanceof OperatorSnapshot.KeySource);
    if (snapshot.keys() instanceof OperatorSnapshot.KeySource source) {
      source.writeTo(restorer);
    } else {
      for (OperatorSnapshot.KeySnapshot k : snapshot.keys()) {
        restorer.key(k.key(), k.clock(), k.windows().size());
        for (WindowSnapshot w : k.windows()) {
          restorer.window(w.openMicros(), w.closeMicros(), w.count(), w.acc());
        }
      }
    }
    restorer.finish();
  }

  /** Builds the restored keys as their values come ({@link #restore}). */
  private final class Restorer implements StateWriter {
    /** The keys are known to be distinct (a stored checkpoint's): no look for an earlier copy. */
    private final boolean distinct;
    /** The key whose windows come next; {@code null} while a key is passed over. */
    private KeyState current;

    Restorer(boolean distinct) {
      this.distinct = distinct;
    }

    @Override
    public void key(String key, long[] clockState, int windowCount) {
      file();
      if (windowCount == 0 && sharedClock != null) {
        return; // docs/semantics.md: with a shared clock a key without windows holds nothing
      }
      KeyState ks = new KeyState(key);
      if (distinct) {
        keys.add(ks);
      } else if (!keys.addIfAbsent(ks)) {
        return; // a key given twice: the first copy stands
      }
      if (sharedClock == null && clockState != null) {
        clock.restore(ks, clockState);
        noteLead(clock.watermark(ks, LEAD_PROBE_MICROS), LEAD_PROBE_MICROS);
      }
      keyChars += key.length();
      link(ks);
      current = ks;
    }

    @Override
    public void window(long openMicros, long closeMicros, long count, Object acc) {
      if (current != null) {
        OpenWindow w = aggregate.restore(acc);
        w.openMicros = openMicros;
        w.closeMicros = closeMicros;
        w.count = count;
        current.insert(current.size(), w);
        openWindows++;
      }
    }

    /** Puts the key before in the heap, once all its windows are in. */
    private void file() {
      KeyState ks = current;
      current = null;
      if (ks != null && !ks.isEmpty()) {
        long deadline = windows.earliestDeadline(ks);
        heap.addUnordered(ks, sharedClock != null ? deadline : clock.systemTimeWhenWatermarkReaches(ks, deadline));
      }
    }

    void finish() {
      file();
    }
  }
}
