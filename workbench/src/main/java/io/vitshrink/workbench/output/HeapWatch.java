package io.vitshrink.workbench.output;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The high-water mark of live heap during a step: the heap in use right after each garbage
 * collection (what survives, i.e. what the step really keeps), sampled by a daemon thread. Unlike
 * "used heap", it does not depend on how much garbage accumulates between collections, so two runs
 * with different input counts can be compared.
 */
public final class HeapWatch implements AutoCloseable {
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peak;

    private HeapWatch() {
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    public static HeapWatch start() {
        System.gc(); // start from the live set, not from earlier garbage
        return new HeapWatch();
    }

    private void sample() {
        long live = 0;
        for (MemoryPoolMXBean p : pools) {
            MemoryUsage u = p.getCollectionUsage();
            if (u != null) {
                live += u.getUsed();
            }
        }
        peak = Math.max(peak, live);
    }

    /** Peak live heap in bytes seen so far. */
    public long peakBytes() {
        sample();
        return peak;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
