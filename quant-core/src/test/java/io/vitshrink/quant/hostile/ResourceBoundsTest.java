package io.vitshrink.quant.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.calibration.Calibrator;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.plan.QuantPlan;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime sessions and native tensors are released, also when a run fails, and a long run does
 * not accumulate memory per candidate. {@code Runner} closes everything in try-with-resources; these
 * tests observe that from outside, without hooks in onnx-core: a leaked session of the models below
 * holds several megabytes of native memory (its copy of the weights plus ORT's arenas), so hundreds of
 * leaks would show as hundreds of megabytes of resident memory (VmRSS), far above the bounds asserted.
 */
class ResourceBoundsTest {
    private static final RunnerOptions ONE_THREAD = RunnerOptions.defaults().withIntraOpThreads(1);
    private static final long MB = 1L << 20;

    /** Resident set size of this process, from /proc (Linux); -1 elsewhere. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the heap bound still applies
        }
        return -1;
    }

    /**
     * Resident memory outside the Java heap: RSS minus the committed heap. The RSS alone also grows when
     * the JVM commits more heap (which earlier tests in the same JVM decide), and that is not the native
     * leak (unclosed ORT sessions and tensors) these tests look for.
     */
    static long residentOutsideHeapBytes() {
        long rss = residentBytes();
        return rss < 0 ? -1 : rss - ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /** Java heap in use after full collections. */
    static long liveHeapBytes() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** pixels [N,3,32,32] → Flatten → Log → MatMul W[3072,64]: normalized pixels are partly negative, so NaN. */
    static Model nanModel() {
        Graph g = new Graph("nan");
        g.addInput(new ValueInfo("pixel_values", DataType.FLOAT,
                List.of(Dim.symbolic("batch"), Dim.of(3), Dim.of(32), Dim.of(32))));
        float[] w = new float[3072 * 64];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5) * 0.05f;
        }
        g.putInitializer(Tensor.ofFloats("W", new long[] {3072, 64}, w));
        g.addNode(new Node("flatten", "Flatten", List.of("pixel_values"), List.of("flat"), Attribute.of("axis", 1L)));
        g.addNode(new Node("log", "Log", List.of("flat"), List.of("logged")));
        g.addNode(new Node("fc", "MatMul", List.of("logged", "W"), List.of("logits")));
        g.addOutput(new ValueInfo("logits", DataType.FLOAT, null));
        return new Model(8, Map.of("", 17L), g);
    }

    @Test
    void twoHundredFailingRunsAndCalibrationsDoNotLeak() {
        TinyVitBuilder b = HostileFixtures.vit(2, 128);
        Model vit = b.build();
        Model nan = nanModel();
        float[] wrongSize = SyntheticImages.batch(7, 2, 3, 16, 16); // the model takes 32×32
        long rss0 = 0;
        long heap0 = 0;
        for (int i = 0; i < 200; i++) {
            if (i == 20) { // after ORT's one-time allocations (environment, thread pools, kernels)
                heap0 = liveHeapBytes(); // collects first: direct buffers ORT tensors left behind are freed by GC
                rss0 = residentOutsideHeapBytes();
            }
            if (i % 2 == 0) {
                try (Runner r = Runner.open(vit, ONE_THREAD)) {
                    assertThatThrownBy(() -> r.runBatch(wrongSize, new long[] {2, 3, 16, 16}))
                            .isInstanceOf(UserException.class)
                            .hasMessageStartingWith("ONNX Runtime failed to run the model: ")
                            .hasMessageContaining("Got invalid dimensions for input: pixel_values");
                }
            } else {
                assertThatThrownBy(() -> new Calibrator(ONE_THREAD).run(nan, Map.of("logged",
                        ObserverKind.MINMAX.create("logged")), HostileFixtures.images(b, 2), n -> { }))
                        .isInstanceOf(UserException.class).hasMessageContaining("activation 'logged' contains NaN/Inf");
            }
        }
        long heapGrowth = liveHeapBytes() - heap0;
        long rssGrowth = residentOutsideHeapBytes() - rss0;
        System.out.printf("180 failing runs: resident memory %+d MB, live heap %+d MB%n", rssGrowth / MB, heapGrowth / MB);
        if (residentBytes() > 0) {
            assertThat(rssGrowth).as("resident memory growth over 180 failing runs").isLessThan(96 * MB);
        }
        assertThat(heapGrowth).as("live heap growth over 180 failing runs").isLessThan(16 * MB);
    }

    @Test
    void aLongRunsHeapDoesNotGrowWithTheNumberOfCandidates() {
        TinyVitBuilder b = HostileFixtures.vit(2, 128);
        Model model = b.build();
        // a few calibrated plans, then 50 "candidates" cycling through them as a search would
        List<QuantPlan> plans = List.of(
                HostileFixtures.plan(b, "qdq", 8, 8, PtqPipeline.Reparam.NONE),
                HostileFixtures.plan(b, "simulated", 4, 8, PtqPipeline.Reparam.NONE),
                HostileFixtures.plan(b, "simulated", 6, 6, PtqPipeline.Reparam.REPQ));
        float[] pixels = SyntheticImages.batch(b.config(), 9, 8);
        long[] shape = {8, 3, HostileFixtures.IMAGE, HostileFixtures.IMAGE};
        long heapAt10 = 0;
        long rssAt10 = 0;
        float checksum = 0;
        for (int candidate = 1; candidate <= 50; candidate++) {
            Model quantized = PtqPipeline.apply(model, plans.get(candidate % plans.size()), false, HostileFixtures.IMAGE);
            try (Runner r = Runner.open(quantized, ONE_THREAD)) {
                checksum += r.runBatch(pixels, shape).toFloats()[0];
            }
            if (candidate == 10) {
                heapAt10 = liveHeapBytes();
                rssAt10 = residentOutsideHeapBytes();
            }
        }
        long heapGrowth = liveHeapBytes() - heapAt10;
        long rssGrowth = residentOutsideHeapBytes() - rssAt10;
        System.out.printf("candidates 10 → 50: live heap %+d KB, resident memory %+d MB (checksum %s)%n", heapGrowth / 1024,
                rssGrowth / MB, checksum);
        // one quantized model of this ViT is ~1.7 MB of Java objects: keeping each candidate would add ~70 MB
        assertThat(heapGrowth).as("live heap growth from candidate 10 to 50").isLessThan(8 * MB);
        if (residentBytes() > 0) {
            assertThat(rssGrowth).as("resident memory growth from candidate 10 to 50").isLessThan(96 * MB);
        }
        assertThat(Float.isFinite(checksum)).isTrue();
    }
}
