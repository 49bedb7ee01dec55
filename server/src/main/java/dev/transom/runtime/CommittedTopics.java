package dev.transom.runtime;

import dev.transom.components.ComponentSpecs;
import dev.transom.components.KafkaSink;
import dev.transom.components.KafkaTransactions;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.state.Checkpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once kafka sinks of a pipeline's version, beside its exactly-once files
 * ({@link CommittedFiles}): a checkpoint stages its epoch's records with them, stores what they owe,
 * and releases the epoch once stored ({@link KafkaTransactions}). Made at each install; a new version
 * takes over what the old one's sinks of the same name still owe ({@link #takeOver}).
 */
final class CommittedTopics implements AutoCloseable {
  private final List<KafkaTransactions> outputs = new ArrayList<>();
  private final List<KafkaTransactions> late = new ArrayList<>();

  CommittedTopics(String pipeline, List<ComponentDef> outputSinks, ComponentDef lateSink) {
    for (ComponentDef s : outputSinks) {
      KafkaSink.Config c = transactional(s);
      if (c != null && outputs.stream().noneMatch(t -> t.config().name().equals(c.name()))) {
        outputs.add(new KafkaTransactions(pipeline, c));
      }
    }
    KafkaSink.Config c = lateSink == null ? null : transactional(lateSink);
    if (c != null) {
      late.add(new KafkaTransactions(pipeline + "-late", c));
    }
  }

  static CommittedTopics none() {
    return new CommittedTopics("", List.of(), null);
  }

  private static KafkaSink.Config transactional(ComponentDef s) {
    return ComponentSpecs.sink(s).config(s) instanceof KafkaSink.Config c && c.exactlyOnce() ? c : null;
  }

  boolean hasOutputs() {
    return !outputs.isEmpty();
  }

  boolean hasLate() {
    return !late.isEmpty();
  }

  private List<KafkaTransactions> all() {
    List<KafkaTransactions> a = new ArrayList<>(outputs);
    a.addAll(late);
    return a;
  }

  /** Whether a stored delivery belongs to an exactly-once kafka sink (not to {@link Deliveries}). */
  static boolean ours(Checkpoint.Delivery d) {
    return d.sink().startsWith("kafka exactly-once ");
  }

  void stage(long epoch, List<byte[]> outs, List<byte[]> lates) {
    outputs.forEach(t -> t.stage(epoch, outs));
    late.forEach(t -> t.stage(epoch, lates));
  }

  /** Takes back what {@link #stage} just added for {@code epoch} (its checkpoint failed; the records are carried). */
  void unstage(long epoch, int outs, int lates) {
    outputs.forEach(t -> t.unstage(epoch, outs));
    late.forEach(t -> t.unstage(epoch, lates));
  }

  void released(long epoch) {
    all().forEach(t -> t.released(epoch));
  }

  /** What the sinks have not committed to Kafka, to store with a checkpoint. */
  List<Checkpoint.Delivery> owed() {
    List<Checkpoint.Delivery> out = new ArrayList<>();
    for (KafkaTransactions t : all()) {
      List<byte[]> o = t.owed();
      if (!o.isEmpty()) {
        out.add(new Checkpoint.Delivery(t.name(), o));
      }
    }
    return out;
  }

  /** The records a checkpoint stored for these sinks; those of a sink the definition no longer has are dropped. */
  void restore(List<Checkpoint.Delivery> stored) {
    for (Checkpoint.Delivery d : stored) {
      for (KafkaTransactions t : all()) {
        if (t.name().equals(d.sink())) {
          t.restore(d.records());
        }
      }
    }
  }

  /** What {@code old}'s sinks still owe, for the sinks of the same name here; {@code old} stops writing. */
  void takeOver(CommittedTopics old) {
    Map<String, List<byte[]>> owed = new LinkedHashMap<>();
    Map<String, KafkaTransactions> before = new LinkedHashMap<>();
    for (KafkaTransactions t : old.all()) {
      owed.put(t.name(), t.detach());
      before.put(t.name(), t);
    }
    for (KafkaTransactions t : all()) {
      List<byte[]> o = owed.get(t.name());
      if (o != null && !o.isEmpty()) {
        t.restore(o);
      }
      if (before.containsKey(t.name())) {
        t.countOn(before.get(t.name()));
      }
    }
  }

  List<KafkaTransactions> sinks() {
    return all();
  }

  @Override
  public void close() {
    all().forEach(KafkaTransactions::close);
  }

  /**
   * After {@link #close}, on a stop or a shutdown: waits (at most {@code millis} in all) until every
   * released epoch is committed to Kafka. A reload does not wait: its next version takes the sinks over.
   */
  void awaitClosed(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    try {
      for (KafkaTransactions t : all()) {
        t.awaitClosed(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
