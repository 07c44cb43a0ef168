package kafkapipeline.grains.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import kafkapipeline.api.EventJson.MalformedEventException;
import kafkapipeline.api.sources.ColumnSpec;
import kafkapipeline.api.sources.ColumnType;
import kafkapipeline.api.sources.PrimaryKeySpec;
import kafkapipeline.api.sources.SourceKind;
import kafkapipeline.api.sources.SourceSpec;
import kafkapipeline.grains.JsonGen;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * {@link DeclarativeRow} under generated items: a value of the right JSON type and range gives
 * exactly the Java value its {@link ColumnType} promises; a value of another JSON type always
 * throws {@link MalformedEventException} naming the column; any JSON value at all ({@link
 * JsonGen#values()}) gives a value of the column's Java type, null, or that exception, never
 * another one. Each property counts its outcomes.
 */
class DeclarativeRowPropertiesTest {
  private static final int EXAMPLES = 2_000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ColumnType[] TYPES = ColumnType.values();

  /** One column "v" of {@code type} (required or not) at /v, keyed by a required text "id". */
  static SourceSpec spec(ColumnType type, boolean required) {
    return new SourceSpec(
        "s",
        SourceKind.HTTP_POLL,
        "http://h/",
        null,
        null,
        null,
        null,
        null,
        "/id",
        null,
        null,
        null,
        List.of(
            new ColumnSpec("id", "/id", ColumnType.TEXT, true),
            new ColumnSpec("v", "/v", type, required)),
        new PrimaryKeySpec(List.of("id"), null));
  }

  record Case(ColumnType type, JsonNode value, Object expected) {}

  private static long pick(org.quicktheories.core.RandomnessSource in, long min, long max) {
    return in.next(Constraint.between(min, max));
  }

  /** A value of the right JSON type and range, and what it must become. */
  static final Gen<Case> RIGHT =
      in -> {
        ColumnType t = TYPES[(int) pick(in, 0, TYPES.length - 1)];
        switch (t) {
          case TEXT -> {
            String s = JsonGen.texts().generate(in);
            s = s.length() > 1000 ? s.substring(0, 1000) : s;
            s = validUnicode(s);
            return new Case(t, NODES.textNode(s), s);
          }
          case INT -> {
            int i = (int) pick(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
            return new Case(
                t, pick(in, 0, 1) == 0 ? NODES.numberNode(i) : NODES.numberNode((long) i), i);
          }
          case BIGINT -> {
            long l = in.next(Constraint.none());
            return new Case(t, NODES.numberNode(l), l);
          }
          case FLOAT -> {
            float f = Float.intBitsToFloat((int) in.next(Constraint.none()));
            if (!Float.isFinite(f)) f = 1.5f;
            return new Case(t, NODES.numberNode(f), f);
          }
          case DOUBLE -> {
            double d = Double.longBitsToDouble(in.next(Constraint.none()));
            if (!Double.isFinite(d)) d = -0.25;
            return new Case(t, NODES.numberNode(d), d);
          }
          case BOOLEAN -> {
            boolean b = pick(in, 0, 1) == 0;
            return new Case(t, NODES.booleanNode(b), b);
          }
          case TIMESTAMP -> {
            Instant at =
                Instant.ofEpochSecond(
                    pick(in, -62_135_596_800L, 253_402_300_799L), pick(in, 0, 999_999_999));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) pick(in, -18, 18) * 3600);
            return new Case(
                t,
                NODES.textNode(at.atOffset(offset).toString()),
                at.truncatedTo(ChronoUnit.MILLIS));
          }
          case TIMESTAMP_SECONDS -> {
            long s = pick(in, -9_223_372_036_854_775L, 9_223_372_036_854_775L);
            return new Case(t, NODES.numberNode(s), Instant.ofEpochSecond(s));
          }
          case TIMESTAMP_MILLIS -> {
            long ms = in.next(Constraint.none());
            return new Case(t, NODES.numberNode(ms), Instant.ofEpochMilli(ms));
          }
          case UUID -> {
            UUID u = new UUID(in.next(Constraint.none()), in.next(Constraint.none()));
            String text = pick(in, 0, 1) == 0 ? u.toString() : u.toString().toUpperCase();
            return new Case(t, NODES.textNode(text), u);
          }
          default -> {
            JsonNode v = JsonGen.values().generate(in);
            if (v.isNull()) v = NODES.arrayNode();
            String text = validUnicode(v.toString());
            return new Case(t, v, text.equals(v.toString()) ? text : null);
          }
        }
      };

  @Test
  void aRightValueBecomesExactlyItsJavaValue() {
    int[] checked = {0};
    qt().withExamples(EXAMPLES)
        .forAll(RIGHT)
        .checkAssert(
            c -> {
              if (c.expected() == null) return; // json with a lone surrogate: see the next property
              checked[0]++;
              Object[] row = DeclarativeRow.values(spec(c.type(), pick2(c)), item(c.value()));
              assertEquals(2, row.length);
              assertEquals("k", row[0]);
              assertEquals(c.expected(), row[1], c.toString());
            });
    assertTrue(checked[0] > EXAMPLES * 3 / 4, "checked " + checked[0]);
  }

  @Test
  void aValueOfAnotherJsonTypeIsRefusedNamingTheColumn() {
    Gen<Case> wrong =
        in -> {
          Case right = RIGHT.generate(in);
          if (right.type() == ColumnType.JSON) return right;
          JsonNode other =
              switch ((int) pick(in, 0, 4)) {
                case 0 -> NODES.textNode(right.value().asText());
                case 1 -> NODES.booleanNode(true);
                case 2 -> NODES.arrayNode().add(right.value());
                case 3 -> NODES.objectNode().set("v", right.value());
                default -> NODES.numberNode(7);
              };
          boolean sameKind = other.getNodeType() == right.value().getNodeType();
          return sameKind ? right : new Case(right.type(), other, null);
        };
    int[] refused = {0};
    qt().withExamples(EXAMPLES)
        .forAll(wrong)
        .checkAssert(
            c -> {
              if (c.expected() != null || c.type() == ColumnType.JSON) return;
              refused[0]++;
              MalformedEventException e =
                  assertThrows(
                      MalformedEventException.class,
                      () -> DeclarativeRow.values(spec(c.type(), false), item(c.value())),
                      c::toString);
              assertTrue(e.getMessage().startsWith("column v"), e.getMessage());
            });
    assertTrue(refused[0] > EXAMPLES / 2, "refused " + refused[0]);
  }

  @Test
  void anyValueGivesItsJavaTypeNullOrANamedRefusal() {
    Gen<ColumnType> types = in -> TYPES[(int) pick(in, 0, TYPES.length - 1)];
    int[] outcomes = new int[3];
    qt().withExamples(EXAMPLES)
        .forAll(
            types,
            JsonGen.values(List.of("v", "id")),
            org.quicktheories.generators.SourceDSL.booleans().all())
        .checkAssert(
            (type, value, required) -> {
              try {
                Object v = DeclarativeRow.values(spec(type, required), item(value))[1];
                outcomes[v == null ? 0 : 1]++;
                if (v == null) assertTrue(value.isNull() && !required);
                else assertTrue(javaType(type).isInstance(v), type + " " + v.getClass());
              } catch (MalformedEventException e) {
                outcomes[2]++;
                assertTrue(e.getMessage().startsWith("column v"), e.getMessage());
                assertTrue(e.getMessage().length() < 300, e.getMessage());
              } catch (Throwable t) {
                fail(type + " " + value, t);
              }
            });
    // Null is rare (JsonGen's null, in an optional column); the others are common.
    assertTrue(outcomes[0] > 0, java.util.Arrays.toString(outcomes));
    assertTrue(
        outcomes[1] > EXAMPLES / 20 && outcomes[2] > EXAMPLES / 5,
        java.util.Arrays.toString(outcomes));
  }

  private static boolean pick2(Case c) {
    return c.value().hashCode() % 2 == 0;
  }

  static Class<?> javaType(ColumnType t) {
    return switch (t) {
      case TEXT, JSON -> String.class;
      case INT -> Integer.class;
      case BIGINT -> Long.class;
      case FLOAT -> Float.class;
      case DOUBLE -> Double.class;
      case BOOLEAN -> Boolean.class;
      case TIMESTAMP, TIMESTAMP_SECONDS, TIMESTAMP_MILLIS -> Instant.class;
      case UUID -> UUID.class;
    };
  }

  static ObjectNode item(JsonNode v) {
    ObjectNode o = NODES.objectNode();
    o.put("id", "k");
    o.set("v", v);
    return o;
  }

  /** {@code s} with each lone surrogate replaced by U+FFFD. */
  static String validUnicode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else b.append(Character.isSurrogate(c) ? '\ufffd' : c);
    }
    return b.toString();
  }
}
