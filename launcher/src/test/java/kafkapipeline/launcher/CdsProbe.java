package kafkapipeline.launcher;

/**
 * Test helper run in a child JVM by {@link ClassDataSharingJvmTest}: prints one line and exits 0.
 */
public final class CdsProbe {
  private CdsProbe() {}

  public static void main(String[] args) {
    System.out.println("cds probe ran");
  }
}
