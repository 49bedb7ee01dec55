package dev.transom.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;

/**
 * The server's own meters beside the pipelines': JVM memory, GC, threads and classes, CPU, uptime,
 * file descriptors, and {@code transom_build_info{version}} (always 1, so a dashboard can join the
 * version onto any series). Closing it stops the GC listener.
 */
final class ServerMeters implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  ServerMeters(MeterRegistry registry, String version) {
    // Two of ProcessorMetrics' names break Prometheus conventions (promtool says so): the CPU time
    // in nanoseconds is offered in seconds instead, as Prometheus clients name it, and the core
    // count loses the "_count" suffix that marks a histogram's or summary's part.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu.seconds", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time the process has used").register(registry);
    }
    Gauge.builder("transom.build.info", () -> 1).description("1, with the running version as a label")
        .tag("version", version).register(registry);
  }

  @Override
  public void close() {
    gc.close();
  }
}
