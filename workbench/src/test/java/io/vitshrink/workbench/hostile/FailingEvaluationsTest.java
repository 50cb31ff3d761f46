package io.vitshrink.workbench.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.cache.TensorCache;
import io.vitshrink.data.dataset.FolderReader;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.loader.LoaderOptions;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipeReader;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ImageLayout;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.workbench.eval.Evaluator;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluations that fail on their first batch (the images are preprocessed to the wrong size) release
 * everything they opened: the ONNX Runtime session, its tensors, and the loader's decoding threads.
 */
class FailingEvaluationsTest {
    @TempDir
    Path dir;

    @Test
    void seventyFailingEvaluationsLeaveNoThreadsSessionsOrHeapBehind() throws Exception {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(128).heads(2).imageSize(32).patchSize(8).classes(10);
        Model model = b.build();
        Path images = dir.resolve("images");
        SyntheticImages.write(images, b.config(), 1, 8, ImageLayout.FLAT_WITH_LABELS);
        ImageDataset ds = FolderReader.read(images);
        PreprocessRecipe wrongSize = RecipeReader.parse("{base: imagenet-deit, resize: 24, crop: 24}", "r.yaml");
        LoaderOptions options = LoaderOptions.defaults().withBatchSize(4).withThreads(3).withCache(TensorCache.disabled());
        RunnerOptions ort = RunnerOptions.defaults().withIntraOpThreads(1);

        int threads0 = 0;
        long rss0 = 0;
        long heap0 = 0;
        for (int i = 0; i < 70; i++) {
            if (i == 20) { // after class loading, JIT and ORT's one-time allocations
                threads0 = settledThreadCount();
                rss0 = residentBytes();
                heap0 = liveHeap();
            }
            try (Runner r = Runner.open(model, ort)) {
                assertThatThrownBy(() -> Evaluator.run(r, null, ds, wrongSize, options, true))
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("Got invalid dimensions for input: pixel_values");
            }
        }
        int threadGrowth = settledThreadCount() - threads0;
        long rssGrowth = residentBytes() - rss0;
        long heapGrowth = liveHeap() - heap0;
        System.out.printf("50 failing evaluations: threads %+d, resident memory %+d MB, live heap %+d KB%n", threadGrowth,
                rssGrowth >> 20, heapGrowth >> 10);
        assertThat(threadGrowth).as("threads left running (3 decoding threads per leaked loader)").isLessThanOrEqualTo(2);
        assertThat(heapGrowth).as("live heap growth").isLessThan(16L << 20);
        if (rss0 > 0) {
            // a leaked session of this model holds ~2.4 MB of native memory: 50 leaks would add ~120 MB (measured
            // without leaks: 10–30 MB of allocator and JIT growth)
            assertThat(rssGrowth).as("resident memory growth").isLessThan(64L << 20);
        }
    }

    /** Live threads once the loaders' workers have had a moment to end. */
    private static int settledThreadCount() throws InterruptedException {
        int count = Integer.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            count = Math.min(count, ManagementFactory.getThreadMXBean().getThreadCount());
            Thread.sleep(20);
        }
        return count;
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
