package dev.transom.windowing;

/**
 * A reduce or fold step of the shape {@code acc.with(k1, v1).with(k2, v2)...}, given as the entries
 * it sets rather than as the new map: {@code k1, v1, k2, v2, ...}, every one computed from
 * {@code acc} as it is before any of them is set (as CEL evaluates the chain). The window then sets
 * them in a map only it holds, instead of copying the map for every item (docs/semantics.md: the
 * result is the same map). Supplied from outside the core, with the same step as a plain
 * {@link Combiner} for an accumulator that is not a map.
 */
@FunctionalInterface
public interface EntryUpdate {
  Object[] entries(Object acc, Object value, String key) throws AggregateFailure;
}
