package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.quant.calibration.CalibrationInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report's quantizer comparison fits each kind exactly as the pipeline's searches do: checked against
 * the tensor and its product partner read straight from ONNX Runtime and searched here independently.
 */
class LevelComparisonTest {
    private static final TinyVitBuilder BUILDER = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).seed(9);
    private static Model model;
    private static TransformerBlock block;
    private static List<CalibrationInputs.Batch> batches;

    @BeforeAll
    static void setUp() {
        model = BUILDER.build();
        block = io.vitshrink.onnx.AnalyzedModel.of(model, 32).structure().blocks().get(1);
        batches = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            batches.add(new CalibrationInputs.Batch(SyntheticImages.batch(BUILDER.config(), 40 + i, 4), new long[] {4, 3, 32, 32}));
        }
    }

    private static CalibrationInputs inputs() {
        return CalibrationInputs.of(batches);
    }

    /** The values of {@code names} on every calibration image, concatenated over batches, with their shapes. */
    private static Map<String, Runner.FloatOutput> direct(String... names) {
        Map<String, float[]> data = new java.util.LinkedHashMap<>();
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        try (Runner r = Runner.open(ExposedOutputs.expose(model, List.of(names)), RunnerOptions.defaults())) {
            String in = r.inputNames().get(0);
            for (CalibrationInputs.Batch b : batches) {
                Map<String, Runner.FloatOutput> out = r.runFloats(Map.of(in, Tensor.ofFloats(in, b.shape(), b.pixels())), List.of(names));
                for (String n : names) {
                    float[] old = data.getOrDefault(n, new float[0]);
                    float[] add = out.get(n).data();
                    float[] all = java.util.Arrays.copyOf(old, old.length + add.length);
                    System.arraycopy(add, 0, all, old.length, add.length);
                    data.put(n, all);
                    long[] s = out.get(n).shape().clone();
                    s[0] = shapes.containsKey(n) ? shapes.get(n)[0] + s[0] : s[0];
                    shapes.put(n, s);
                }
            }
        }
        Map<String, Runner.FloatOutput> result = new java.util.LinkedHashMap<>();
        data.forEach((n, d) -> result.put(n, new Runner.FloatOutput(d, shapes.get(n))));
        return result;
    }

    @Test
    void postSoftmaxQuantizersAreTheOnesSearchedOnItsProductWithV() {
        String probs = block.attention().context().input(0);
        String v = block.attention().context().input(1);
        LevelComparison.Comparison c = new LevelComparison(RunnerOptions.defaults()).compare(model, probs,
                LevelComparison.DEFAULT_KINDS, 4, inputs(), 8, n -> { });
        Map<String, Runner.FloatOutput> ref = direct(probs, v);
        assertThat(c.values()).containsExactly(ref.get(probs).data());
        ConsumerProduct product = ConsumerProduct.of(ref.get(probs).data(), ref.get(probs).shape(), ref.get(v).data(),
                ref.get(v).shape());
        ConsumerProduct scored = product.subsample(QuantizerChoice.SEARCH_ROWS, 0);
        assertThat(c.quantizers()).extracting(LevelComparison.Fitted::choice).containsExactly(QuantizerChoice.UNIFORM,
                QuantizerChoice.LOG2, QuantizerChoice.ADALOG);
        assertThat(c.quantizers().get(0).quantizer()).isEqualTo(UniformSearch.search(scored, 4));
        assertThat(c.quantizers().get(1).quantizer().parameters()).isEqualTo(QuantizerChoice.LOG2.choose(product, 4).parameters());
        assertThat(c.quantizers().get(2).quantizer().parameters()).isEqualTo(QuantizerChoice.ADALOG.choose(product, 4).parameters());
        for (LevelComparison.Fitted f : c.quantizers()) {
            assertThat(f.relativeError()).isEqualTo(scored.error(f.quantizer()) / scored.referenceMeanSquare());
            // 2^b codes, plus 0 for a log quantizer's underflow
            assertThat(f.quantizer().levels()).hasSizeBetween(2, 17);
        }
    }

    @Test
    void postGeluQuantizersAreSearchedOnTheProductWithTheFc2Weight() {
        String x = block.mlp().fc2().input();
        LevelComparison.Comparison c = new LevelComparison(RunnerOptions.defaults()).compare(model, x,
                List.of(QuantizerChoice.LOG_SQRT2), 5, inputs(), 8, n -> { });
        Runner.FloatOutput ref = direct(x).get(x);
        Tensor w = model.graph().initializer(block.mlp().fc2().weight()).orElseThrow();
        ConsumerProduct product = ConsumerProduct.ofLinear(ref.data(), ref.shape(), w.toFloats(), w.dims(),
                block.mlp().fc2().weightOutInLayout());
        assertThat(c.quantizers().get(0).quantizer().parameters())
                .isEqualTo(QuantizerChoice.LOG_SQRT2.choose(product, 5).parameters());
        assertThat(c.bits()).isEqualTo(5);
    }

    @Test
    void tensorsWithoutAProductToJudgeThemAreRefused() {
        LevelComparison lc = new LevelComparison(RunnerOptions.defaults());
        assertThatThrownBy(() -> lc.compare(model, "nope", LevelComparison.DEFAULT_KINDS, 4, inputs(), 2, n -> { }))
                .isInstanceOf(UserException.class).hasMessage("the model has no tensor named 'nope'");
        assertThatThrownBy(() -> lc.compare(model, block.output(), LevelComparison.DEFAULT_KINDS, 4, inputs(), 2, n -> { }))
                .isInstanceOf(UserException.class).hasMessageContaining("is not the left operand of a MatMul or Gemm");
    }
}
