package io.vitshrink.onnx.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.SharedData;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.io.Npy;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real DeiT-Tiny reproduces its published reference logits through the Runner. */
class DeitReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"deit_tiny_patch16_224_in1k.onnx", "deit_tiny_patch16_224_in1k_opset13.onnx"})
    void reproducesReferenceLogits(String file) {
        Path model = SharedData.require("models/deit-tiny/" + file);
        Tensor input = Npy.read(SharedData.require("models/deit-tiny/ref_input_2x3x224x224.npy"));
        float[] expected = Npy.read(SharedData.require("models/deit-tiny/ref_logits_2x1000.npy")).toFloats();
        Model m = ModelIO.load(model);
        try (Runner runner = Runner.open(m, RunnerOptions.defaults())) {
            String in = runner.inputNames().get(0);
            Tensor out = runner.run(Map.of(in, input.withName(in))).values().iterator().next();
            assertThat(out.dims()).containsExactly(2, 1000);
            float[] got = out.toFloats();
            float maxDiff = 0;
            for (int i = 0; i < got.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
            }
            assertThat(maxDiff).isLessThanOrEqualTo(1e-4f);
        }
    }
}
