package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.io.Npy;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real DeiT-Tiny activations (block 6 of 12, the two reference images): post-Softmax attention judged
 * through attn·V and post-GELU values judged through fc2. Prints every candidate's relative product error
 * at 4 and 6 bits; asserts that a log-type quantizer wins on the attention at 4 bits. Skips without
 * {@code ../shared}.
 */
class DeitMeasurementTest {

    static Path shared(String relative) {
        for (Path root : List.of(Path.of("..", "shared"), Path.of("..", "..", "shared"))) {
            Path p = root.resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        assumeTrue(false, "../shared is absent; skipping a test that needs the real model");
        return null;
    }

    @Test
    void attentionAndGeluOfDeitTiny() {
        Model model = ModelIO.load(shared("models/deit-tiny/deit_tiny_patch16_224_in1k.onnx"));
        Tensor input = Npy.read(shared("models/deit-tiny/ref_input_2x3x224x224.npy"));
        AnalyzedModel analyzed = AnalyzedModel.of(model);
        TransformerBlock block = analyzed.structure().blocks().get(6);
        String probs = block.attention().attentionProbs();
        String values = block.attention().context().input(1);
        String gelu = block.mlp().activation().output();
        Linear fc2 = block.mlp().fc2();
        Model exposed = ExposedOutputs.expose(model, List.of(probs, values, gelu));
        Map<String, Runner.FloatOutput> out;
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            out = r.runFloats(Map.of(r.inputNames().get(0), input.withName(r.inputNames().get(0))), List.of(probs, values, gelu));
        }
        Tensor w = model.graph().constant(fc2.weight()).orElseThrow();
        ConsumerProduct attention = ConsumerProduct.of(out.get(probs).data(), out.get(probs).shape(), out.get(values).data(),
                out.get(values).shape());
        ConsumerProduct mlp = ConsumerProduct.ofLinear(out.get(gelu).data(), out.get(gelu).shape(), w.toFloats(), w.dims(),
                fc2.weightOutInLayout());
        for (int bits : List.of(4, 6)) {
            AutoSelector.Selection a = AutoSelector.select(attention, bits, NonUniformQuantizer.KINDS, 384);
            AutoSelector.Selection g = AutoSelector.select(mlp, bits, NonUniformQuantizer.KINDS, 64);
            print("attn·V", bits, a);
            print("GELU·fc2", bits, g);
            assertThat(a.candidates()).hasSize(5);
            assertThat(g.candidates()).hasSize(5);
            if (bits == 4) {
                assertThat(a.chosen().kind()).isIn(NonUniformQuantizer.LOG2, NonUniformQuantizer.LOG_SQRT2, NonUniformQuantizer.ADALOG);
            }
        }
    }

    private static void print(String what, int bits, AutoSelector.Selection s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "DeiT-Tiny block 6 %s %d bits, relative product error:", what, bits));
        s.candidates().forEach(c -> b.append(String.format(Locale.ROOT, " %s %.3e", c.kind(), c.relativeError())));
        b.append(" → ").append(s.chosen());
        System.out.println(b);
    }
}
