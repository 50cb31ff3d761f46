package io.vitshrink.workbench.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The exact watch sees what is kept and not what is thrown away, however much garbage there is. */
class HeapWatchTest {
    private static final long MB = 1024 * 1024;
    private static volatile Object sink;

    @Test
    void forcedCollectionsMeasureTheLiveSetNotTheGarbage() throws InterruptedException {
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long peak;
        // small arrays (32 KB): large ones would be G1 humongous objects, which occupy whole regions
        int[][] kept = new int[1024][];
        try (HeapWatch watch = HeapWatch.forcingCollections(Duration.ofMillis(20))) {
            for (int i = 0; i < kept.length; i++) {
                kept[i] = new int[8192]; // 32 MB kept in total
            }
            // garbage, many times the kept size, while the watch samples
            long until = System.nanoTime() + 400_000_000L;
            while (System.nanoTime() < until || watch.samples() < 5) {
                for (int i = 0; i < 256; i++) {
                    sink = new int[8192];
                }
                Thread.sleep(1);
            }
            peak = watch.peakBytes();
            assertThat(watch.samples()).isGreaterThanOrEqualTo(5);
        }
        assertThat(kept[kept.length - 1]).isNotNull();
        long grown = peak - baseline;
        // the baseline also holds whatever earlier tests in this JVM left live and that died since
        // (0.6 MB once, in a full suite run): the lower bound allows for it; the garbage, many times
        // the kept 32 MB, is what the upper bound keeps out
        assertThat(grown).as("peak live growth").isGreaterThanOrEqualTo(32 * MB - 4 * MB).isLessThan(32 * MB + 12 * MB);
    }
}
