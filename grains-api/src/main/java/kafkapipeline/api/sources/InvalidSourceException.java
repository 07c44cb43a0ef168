package kafkapipeline.api.sources;

import java.util.List;

/**
 * A source description that cannot be used: not JSON, not a description, or one with problems. The
 * message is every problem, joined; each one names the source (when known), the key and the reason,
 * holds no secret value and is safe to log and to answer with (control characters escaped, long
 * values cut).
 */
public final class InvalidSourceException extends RuntimeException {
  private final List<String> problems;

  /**
   * @param problems at least one; each a complete sentence
   */
  public InvalidSourceException(List<String> problems) {
    super(String.join("; ", requireSome(problems)));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order found; never empty. */
  public List<String> problems() {
    return problems;
  }

  private static List<String> requireSome(List<String> problems) {
    if (problems == null || problems.isEmpty())
      throw new IllegalArgumentException("an invalid source has at least one problem");
    return problems;
  }
}
