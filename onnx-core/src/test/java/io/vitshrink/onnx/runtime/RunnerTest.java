package io.vitshrink.onnx.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerTest {
    private final TinyVitBuilder builder = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).seed(5);
    private final Model model = builder.build();
    private final float[] pixels = SyntheticImages.batch(builder.config(), 1, 4);
    private final long[] shape = {4, 3, 32, 32};

    @Test
    void repeatedRunsAndThreadCountsGiveIdenticalLogits() {
        float[] first;
        try (Runner r = Runner.open(model, RunnerOptions.defaults().withIntraOpThreads(2))) {
            first = r.runBatch(pixels, shape).toFloats();
            assertThat(r.runBatch(pixels, shape).toFloats()).containsExactly(first);
        }
        try (Runner r = Runner.open(model, RunnerOptions.defaults().withIntraOpThreads(1))) {
            assertThat(r.runBatch(pixels, shape).toFloats()).containsExactly(first);
        }
    }

    @Test
    void sessionsWithoutSpinningWorkersAcceptTheSettingAndComputeTheSameLogits() {
        RunnerOptions quiet = RunnerOptions.defaults().withIntraOpThreads(2).withoutSpinning();
        assertThat(quiet.config()).containsEntry(RunnerOptions.ALLOW_SPINNING, "0");
        assertThat(quiet.intraOpThreads()).isEqualTo(2);
        try (Runner spinning = Runner.open(model, RunnerOptions.defaults().withIntraOpThreads(2));
                Runner blocking = Runner.open(model, quiet)) {
            assertThat(blocking.runBatch(pixels, shape).toFloats()).containsExactly(spinning.runBatch(pixels, shape).toFloats());
        }
    }

    @Test
    void everyOptimizationLevelMatchesTheJavaReference() {
        TinyVitReference ref = builder.reference();
        float[] expected = ref.logits(pixels, 4);
        for (OptimizationLevel level : OptimizationLevel.values()) {
            try (Runner r = Runner.open(model, RunnerOptions.defaults().withOptimization(level))) {
                float[] got = r.runBatch(pixels, shape).toFloats();
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("%s logit %d", level, i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void readsAnIntermediateValueByExposingIt() {
        String softmax = model.graph().nodes().stream().filter(n -> n.is("Softmax")).findFirst().orElseThrow().output(0);
        try (Runner r = Runner.open(ExposedOutputs.expose(model, List.of(softmax)), RunnerOptions.defaults())) {
            String in = r.inputNames().get(0);
            Tensor probs = r.run(Map.of(in, Tensor.ofFloats(in, shape, pixels)), List.of(softmax)).get(softmax);
            assertThat(probs.dims()).containsExactly(4, 2, 17, 17);
            float[] p = probs.toFloats();
            for (int row = 0; row < p.length / 17; row++) {
                double sum = 0;
                for (int j = 0; j < 17; j++) {
                    sum += p[row * 17 + j];
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void badFeedIsAUserErrorAndTheSessionStaysUsable() {
        try (Runner r = Runner.open(model, RunnerOptions.defaults())) {
            assertThatThrownBy(() -> r.runBatch(new float[3 * 16 * 16], new long[] {1, 3, 16, 16}))
                    .isInstanceOf(UserException.class).hasMessageStartingWith("ONNX Runtime failed to run the model:");
            assertThat(r.runBatch(pixels, shape).numel()).isEqualTo(40);
        }
    }
}
