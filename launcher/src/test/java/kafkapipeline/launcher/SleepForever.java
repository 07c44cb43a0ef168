package kafkapipeline.launcher;

/** Test helper run in a child JVM: prints a line, then sleeps until stopped. */
public final class SleepForever {
  private SleepForever() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("sleeping");
    Thread.sleep(Long.MAX_VALUE);
  }
}
