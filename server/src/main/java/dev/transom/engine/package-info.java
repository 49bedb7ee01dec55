/**
 * The one engine both {@code run} and {@code serve} drive: JSON lines are decoded
 * ({@link dev.transom.engine.LineDecoder}), events prepared and routed by key group
 * ({@link dev.transom.engine.Router}) into {@link dev.transom.engine.Batch}es, each processed by the
 * {@link dev.transom.engine.Shard} that owns its keys' window state. Plain Java: {@code run} gives
 * each shard a thread ({@link dev.transom.engine.ShardThreads}), {@code serve} an event-loop context;
 * neither is known here.
 */
package dev.transom.engine;
