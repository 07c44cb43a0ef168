package kafkapipeline.grains.declarative;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.SourceSpec;

/**
 * One item of a declarative source as the values of its row, in column order, as the Java types the
 * DataStax driver binds: {@code String} (text, and json as compact JSON text), {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}, {@code Boolean}, {@code Instant} (every timestamp
 * type, cut to the millisecond Cassandra keeps, towards the past), {@code UUID}; null for an absent
 * optional value. What each {@link ColumnType} takes is its Javadoc; in detail: int and bigint take
 * integers written without fraction or exponent; float and double any finite number within their
 * range; timestamp an ISO-8601 date-time with an offset; timestamp_seconds and timestamp_millis any
 * number; every timestamp must fit Cassandra's signed 64-bit epoch milliseconds. Text is stored as
 * given (no trimming), but a lone surrogate, which UTF-8 cannot encode, is refused rather than
 * silently replaced.
 *
 * <p>A missing or null required value, a value of another JSON type or out of the column's range
 * throws {@link MalformedEventException} naming the column and the reason (never the value's whole
 * text: at most its first 40 characters), so the record becomes a dead letter. Pure and
 * thread-safe; the spec is assumed valid ({@code SourceSpecs.problems} empty).
 */
public final class DeclarativeRow {
  private static final Pattern UUID_FORM =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

  /** Exclusive: a number of milliseconds floored to a long must be below this. */
  private static final BigDecimal LONG_MAX_PLUS_ONE =
      BigDecimal.valueOf(Long.MAX_VALUE).add(BigDecimal.ONE);

  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final Instant MIN_INSTANT = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant MAX_INSTANT = Instant.ofEpochMilli(Long.MAX_VALUE);

  private final List<ColumnSpec> columns;
  private final JsonPointer[] pointers;

  private DeclarativeRow(SourceSpec spec) {
    this.columns = List.copyOf(spec.columns());
    this.pointers = new JsonPointer[columns.size()];
    for (int i = 0; i < pointers.length; i++)
      pointers[i] = JsonPointer.compile(columns.get(i).pointer());
  }

  /** The row reader of {@code spec}, its pointers compiled once. */
  public static DeclarativeRow of(SourceSpec spec) {
    return new DeclarativeRow(spec);
  }

  /** The row of {@code item} under {@code spec}; see the class description. */
  public static Object[] values(SourceSpec spec, JsonNode item) {
    return of(spec).values(item);
  }

  /** The row of {@code item}; see the class description. */
  public Object[] values(JsonNode item) {
    if (item == null) throw new MalformedEventException("no item (null)");
    Object[] out = new Object[pointers.length];
    for (int i = 0; i < out.length; i++) {
      ColumnSpec c = columns.get(i);
      JsonNode node = item.at(pointers[i]);
      if (node == null || node.isMissingNode() || node.isNull()) {
        if (c.required())
          throw new MalformedEventException(
              "column "
                  + c.name()
                  + ": required, but "
                  + (node == null || node.isMissingNode() ? "absent" : "null")
                  + " at "
                  + quote(c.pointer()));
        continue;
      }
      out[i] = value(c, node);
    }
    return out;
  }

  private static Object value(ColumnSpec c, JsonNode node) {
    return switch (c.type()) {
      case TEXT -> text(c, node);
      case INT -> {
        if (!node.isIntegralNumber()) throw wrong(c, node, "an integer");
        if (!node.canConvertToInt()) throw range(c, node, "32 bits");
        yield node.intValue();
      }
      case BIGINT -> {
        if (!node.isIntegralNumber()) throw wrong(c, node, "an integer");
        if (!node.canConvertToLong()) throw range(c, node, "64 bits");
        yield node.longValue();
      }
      case FLOAT -> {
        if (!node.isNumber()) throw wrong(c, node, "a number");
        float f = node.floatValue();
        if (!Float.isFinite(f) || !Double.isFinite(node.doubleValue()))
          throw range(c, node, "a float's range");
        yield f;
      }
      case DOUBLE -> {
        if (!node.isNumber()) throw wrong(c, node, "a number");
        double d = node.doubleValue();
        if (!Double.isFinite(d)) throw range(c, node, "a double's range");
        yield d;
      }
      case BOOLEAN -> {
        if (!node.isBoolean()) throw wrong(c, node, "true or false");
        yield node.booleanValue();
      }
      case TIMESTAMP -> isoTimestamp(c, node);
      case TIMESTAMP_SECONDS -> epochTimestamp(c, node, THOUSAND);
      case TIMESTAMP_MILLIS -> epochTimestamp(c, node, BigDecimal.ONE);
      case UUID -> {
        if (!node.isTextual()) throw wrong(c, node, "a string");
        if (!UUID_FORM.matcher(node.textValue()).matches())
          throw new MalformedEventException(
              "column "
                  + c.name()
                  + ": "
                  + quote(node.textValue())
                  + " is not a UUID (8-4-4-4-12)");
        yield UUID.fromString(node.textValue());
      }
      case JSON -> unicode(c, node.toString());
    };
  }

  private static String text(ColumnSpec c, JsonNode node) {
    if (!node.isTextual()) throw wrong(c, node, "a string");
    return unicode(c, node.textValue());
  }

  /** {@code text}, unless it holds a lone surrogate (UTF-8 would store '?' in its place). */
  private static String unicode(ColumnSpec c, String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (!Character.isSurrogate(ch)) continue;
      if (Character.isHighSurrogate(ch)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new MalformedEventException(
          "column "
              + c.name()
              + ": text with a lone surrogate (U+"
              + Integer.toHexString(ch).toUpperCase(java.util.Locale.ROOT)
              + " at index "
              + i
              + "), which UTF-8 cannot store");
    }
    return text;
  }

  private static Instant isoTimestamp(ColumnSpec c, JsonNode node) {
    if (!node.isTextual()) throw wrong(c, node, "an ISO-8601 date-time string");
    Instant at;
    try {
      at =
          OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
              .toInstant();
    } catch (DateTimeException e) {
      throw new MalformedEventException(
          "column "
              + c.name()
              + ": "
              + quote(node.textValue())
              + " is not an ISO-8601 date-time with an offset (such as 2022-12-11T04:27:02Z)");
    }
    Instant millis = at.truncatedTo(ChronoUnit.MILLIS);
    if (millis.isBefore(MIN_INSTANT) || millis.isAfter(MAX_INSTANT))
      throw range(c, node, "Cassandra's timestamps (64-bit epoch milliseconds)");
    return millis;
  }

  /** A number of epoch units ({@code millisPerUnit} milliseconds each) as an instant. */
  private static Instant epochTimestamp(ColumnSpec c, JsonNode node, BigDecimal millisPerUnit) {
    if (!node.isNumber()) throw wrong(c, node, "a number");
    if (node.isIntegralNumber() && node.canConvertToLong() && millisPerUnit.equals(BigDecimal.ONE))
      return Instant.ofEpochMilli(node.longValue());
    if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue()))
      throw range(c, node, "Cassandra's timestamps (64-bit epoch milliseconds)");
    BigDecimal millis = node.decimalValue().multiply(millisPerUnit);
    if (millis.compareTo(LONG_MIN) < 0 || millis.compareTo(LONG_MAX_PLUS_ONE) >= 0)
      throw range(c, node, "Cassandra's timestamps (64-bit epoch milliseconds)");
    long floor;
    if (millis.precision() - millis.scale() <= 0) {
      // |millis| < 1: setScale would divide by 10^scale, which a tiny exponent makes huge.
      floor = millis.signum() < 0 ? -1 : 0;
    } else {
      floor = millis.setScale(0, RoundingMode.FLOOR).longValueExact();
    }
    return Instant.ofEpochMilli(floor);
  }

  private static MalformedEventException wrong(ColumnSpec c, JsonNode node, String expected) {
    return new MalformedEventException(
        "column "
            + c.name()
            + " ("
            + c.type().cql()
            + "): expected "
            + expected
            + ", got "
            + describe(node));
  }

  private static MalformedEventException range(ColumnSpec c, JsonNode node, String range) {
    return new MalformedEventException(
        "column " + c.name() + ": " + describe(node) + " is out of " + range);
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) return "the string " + quote(node.textValue());
    if (node.isNumber()) return "the number " + abbreviate(node.asText());
    if (node.isBoolean()) return String.valueOf(node.booleanValue());
    if (node.isArray()) return "an array";
    if (node.isObject()) return "an object";
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String quote(String text) {
    return "'" + abbreviate(text) + "'";
  }

  /** At most 40 characters, control characters and surrogates escaped: safe in a log line. */
  private static String abbreviate(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && i < 40; i++) {
      char ch = text.charAt(i);
      if (Character.isISOControl(ch)
          || Character.isSurrogate(ch)
          || ch == '\u2028'
          || ch == '\u2029') b.append(String.format("\\u%04X", (int) ch));
      else b.append(ch);
    }
    return text.length() > 40 ? b + "…" : b.toString();
  }
}
