package kafkapipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import kafkapipeline.launcher.ArchiveKey.Stamp;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The archive key tells any two different inputs apart. Inputs come from tiny alphabets (words that
 * are prefixes and concatenations of each other, path and list separators, sizes and mtimes around
 * -1 and 0), so equal inputs and near misses (["ab"] against ["a", "b"]) are frequent.
 */
class ArchiveKeyTest {

  record Input(String home, String version, List<Stamp> stamps) {
    String key() {
      return ArchiveKey.of(home, version, stamps);
    }
  }

  private static final Gen<String> WORDS =
      arbitrary().pick(List.of("", "a", "b", "ab", "a:b", "/", "/a", "é", "\u0000"));
  private static final Gen<Long> NUMBERS =
      arbitrary().pick(List.of(-1L, 0L, 1L, 256L, Long.MIN_VALUE, Long.MAX_VALUE));
  private static final Gen<Stamp> STAMPS = WORDS.zip(NUMBERS, NUMBERS, Stamp::new);
  private static final Gen<Input> INPUTS =
      WORDS.zip(WORDS, lists().of(STAMPS).ofSizeBetween(0, 3), Input::new);

  @Test
  void twoInputsShareAKeyExactlyWhenTheyAreEqual() {
    qt().withExamples(20_000)
        .forAll(INPUTS, INPUTS)
        .checkAssert(
            (a, b) -> assertEquals(a.equals(b), a.key().equals(b.key()), () -> a + " / " + b));
  }

  @Test
  void changingAnyOneFieldChangesTheKey() {
    qt().withExamples(10_000)
        .forAll(INPUTS, integers().between(0, 6), WORDS, NUMBERS)
        .assuming((input, field, word, number) -> field < 2 || !input.stamps().isEmpty())
        .checkAssert(
            (input, field, word, number) -> {
              Input changed = change(input, field, word, number);
              if (!changed.equals(input)) {
                assertNotEquals(input.key(), changed.key(), () -> input + " -> " + changed);
              }
            });
  }

  /**
   * {@code input} with field {@code field} set: 0 home, 1 version, 2-4 the last stamp's path, size,
   * mtime, 5 one stamp more, 6 one fewer.
   */
  private static Input change(Input input, int field, String word, long number) {
    List<Stamp> stamps = new ArrayList<>(input.stamps());
    int last = stamps.size() - 1;
    switch (field) {
      case 0 -> {
        return new Input(word, input.version(), stamps);
      }
      case 1 -> {
        return new Input(input.home(), word, stamps);
      }
      case 2 ->
          stamps.set(
              last, new Stamp(word, stamps.get(last).size(), stamps.get(last).mtimeMillis()));
      case 3 ->
          stamps.set(
              last, new Stamp(stamps.get(last).path(), number, stamps.get(last).mtimeMillis()));
      case 4 ->
          stamps.set(last, new Stamp(stamps.get(last).path(), stamps.get(last).size(), number));
      case 5 -> stamps.add(new Stamp(word, number, number));
      default -> stamps.remove(last);
    }
    return new Input(input.home(), input.version(), stamps);
  }
}
