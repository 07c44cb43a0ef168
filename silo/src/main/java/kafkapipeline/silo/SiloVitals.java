package kafkapipeline.silo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import kafkapipeline.api.CborSerializable;
import kafkapipeline.grains.PipelineMetrics;
import kafkapipeline.grains.profile.GrainProfile;
import kafkapipeline.grains.profile.GrainProfiler;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Answers, on request only, this silo's vitals: uptime, process CPU load, heap, its pipeline
 * counters and its grains' profile ({@link GrainProfiler#global()}). Registered with the
 * receptionist under {@link #KEY}, so any silo's API can ask every silo. Nothing is sampled between
 * requests, so it costs nothing while nobody asks. A figure the JVM cannot give (CPU load before
 * its first sample) is reported as -1.
 */
public final class SiloVitals {
  public static final ServiceKey<Get> KEY = ServiceKey.create(Get.class, "silo-vitals");

  public record Get(ActorRef<Vitals> replyTo) implements CborSerializable {}

  /**
   * cpu: this process's share of the machine's CPU, 0..1 (-1: unknown yet); profile: the grains'
   * message counts and handling times on this silo since it started.
   */
  public record Vitals(
      String address,
      long uptimeSeconds,
      double cpu,
      long heapUsed,
      long heapMax,
      int processors,
      Map<String, Map<String, Long>> counters,
      GrainProfile profile)
      implements CborSerializable {}

  private SiloVitals() {}

  public static Behavior<Get> create(PipelineMetrics metrics) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          String self = Cluster.get(ctx.getSystem()).selfMember().address().hostPort();
          return Behaviors.receiveMessage(
              get -> {
                get.replyTo().tell(measure(self, metrics));
                return Behaviors.same();
              });
        });
  }

  static Vitals measure(String address, PipelineMetrics metrics) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new Vitals(
        address,
        ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
        processCpu(),
        heap.getUsed(),
        heap.getMax(),
        Runtime.getRuntime().availableProcessors(),
        metrics.snapshot(),
        GrainProfiler.global().snapshot());
  }

  /** The process's recent CPU load, 0..1 of all cores, or -1 when the JVM does not say. */
  static double processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      return load < 0 ? -1 : load;
    }
    return -1;
  }
}
