package dev.transom.expr;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value model shared by the whole pipeline: JSON as plain Java objects — {@code Long} (JSON
 * integers), {@code Double}, {@code String}, {@code Boolean}, {@link #NULL}, {@code List},
 * {@code Map} with string keys — plus CEL's {@code Instant} and {@code Duration}. CEL reads these
 * directly; {@link #fromCel} brings its results back into the model.
 */
public final class CelValues {
  /** JSON {@code null}: CEL needs a non-null marker inside maps and lists. */
  public static final Object NULL = NullValue.NULL_VALUE;

  private CelValues() {}

  public static boolean isNull(Object v) {
    return v == null || v instanceof NullValue || v instanceof com.google.protobuf.NullValue;
  }

  /**
   * Converts a CEL result into the value model; fails on values that have no JSON form, infinities
   * and NaN included (anywhere in the result).
   */
  public static Object fromCel(Object v) throws ExprFailure {
    if (v instanceof Double d) {
      if (!Double.isFinite(d)) {
        // CEL's doubles overflow to infinity (1e300 * 1e300) and 0.0 / 0.0 is NaN; JSON has neither,
        // and letting one into a window would only change its type when it is written out.
        throw new ExprFailure("gives " + d + ", which is not a finite number (JSON numbers must be finite)");
      }
      return v;
    }
    if (v instanceof String || v instanceof Long || v instanceof Boolean
        || v instanceof Instant || v instanceof Duration || v == NULL) {
      return v;
    }
    if (isNull(v)) {
      return NULL;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(fromCel(e.getKey()), fromCel(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(fromCel(o));
      }
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof UnsignedLong u) {
      return u.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0 ? (Object) u.longValue() : (Object) u.doubleValue();
    }
    if (v instanceof com.google.protobuf.ByteString b) {
      return Base64.getEncoder().encodeToString(b.toByteArray());
    }
    if (v instanceof dev.cel.common.values.CelByteString b) {
      return Base64.getEncoder().encodeToString(b.toByteArray());
    }
    String type = v.getClass().getSimpleName();
    if (type.contains("UnknownSet")) {
      throw new ExprFailure("the result is unknown (a field that is null or absent?)");
    }
    throw new ExprFailure("the result (" + type + ") has no JSON form");
  }
}
