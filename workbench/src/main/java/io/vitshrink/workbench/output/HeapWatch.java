package io.vitshrink.workbench.output;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;

/**
 * The high-water mark of live heap during a step, sampled by a daemon thread, in one of two ways:
 * <ul>
 * <li>{@link #start()}: cheap — the heap in use right after the collector's own most recent collection
 * of each pool. Good enough for a command's JSON, but with G1 the old generation is collected rarely,
 * so its "after collection" figure can still hold garbage (e.g. large arrays that were replaced) and
 * two runs of the same work can differ by whatever the collector happened to leave.</li>
 * <li>{@link #forcingCollections}: exact — every interval the sampler forces a full collection and reads
 * the heap in use, i.e. the live set at that moment. It slows the step (one full collection per
 * interval), so it is for measurements that compare live sets (the benchmark suite's
 * {@code calib_heap_ratio}), not for timed runs.</li>
 * </ul>
 */
public final class HeapWatch implements AutoCloseable {
    private static final long CHEAP_INTERVAL_MS = 20;
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    private final boolean forceCollections;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peak;
    private volatile int samples;

    private HeapWatch(boolean forceCollections, long intervalMs) {
        this.forceCollections = forceCollections;
        sampler = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    sample();
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The cheap watch: live heap as of each pool's last collection. */
    public static HeapWatch start() {
        System.gc(); // start from the live set, not from earlier garbage
        return new HeapWatch(false, CHEAP_INTERVAL_MS);
    }

    /** The exact watch: a full collection every {@code interval}, then the heap in use. */
    public static HeapWatch forcingCollections(Duration interval) {
        System.gc();
        return new HeapWatch(true, Math.max(1, interval.toMillis()));
    }

    private synchronized void sample() {
        long live;
        if (forceCollections) {
            System.gc();
            live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        } else {
            live = 0;
            for (MemoryPoolMXBean p : pools) {
                MemoryUsage u = p.getCollectionUsage();
                if (u != null) {
                    live += u.getUsed();
                }
            }
        }
        peak = Math.max(peak, live);
        samples++;
    }

    /** Peak live heap in bytes seen so far (takes one more sample first). */
    public long peakBytes() {
        sample();
        return peak;
    }

    /** Samples taken so far (the exact watch needs several per step to see its peak). */
    public int samples() {
        return samples;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
