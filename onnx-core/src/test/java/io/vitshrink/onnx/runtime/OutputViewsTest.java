package io.vitshrink.onnx.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading outputs through ORT's direct view gives exactly what the public copy gives. */
class OutputViewsTest {

    @Test
    void theDirectViewIsAvailableWithThisOnnxRuntime() {
        // if an ORT upgrade removes the private view, calibration silently falls back to two copies: make it loud here
        assertThat(OutputViews.direct()).isTrue();
    }

    @Test
    void runFloatsThroughTheViewEqualsThePublicCopyBitForBit() {
        TinyVitBuilder b = TinyVitBuilder.deitLike().depth(2).width(32).heads(2).seed(11);
        Model model = b.build();
        List<String> names = List.of("/blocks.0/attn/Softmax_output_0", "/blocks.1/mlp/fc1/Add_output_0",
                model.graph().outputs().get(0).name());
        Model exposed = ExposedOutputs.expose(model, names);
        float[] pixels = SyntheticImages.batch(b.config(), 5, 3);
        Tensor input = Tensor.ofFloats("pixel_values", new long[] {3, 3, 32, 32}, pixels);
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            String in = r.inputNames().get(0);
            Map<String, float[]> buffers = new HashMap<>();
            Map<String, Runner.FloatOutput> viaView = r.runFloats(Map.of(in, input.withName(in)), names, buffers);
            Map<String, Tensor> viaCopy = r.run(Map.of(in, input.withName(in)), names);
            for (String n : names) {
                assertThat(viaView.get(n).data()).as(n).containsExactly(viaCopy.get(n).toFloats());
                assertThat(viaView.get(n).shape()).as(n).containsExactly(viaCopy.get(n).dims());
            }
            // a second batch reuses the arrays and still reads the new values
            float[] first = viaView.get(names.get(0)).data().clone();
            Tensor other = Tensor.ofFloats(in, new long[] {3, 3, 32, 32}, SyntheticImages.batch(b.config(), 6, 3));
            Map<String, Runner.FloatOutput> again = r.runFloats(Map.of(in, other), names, buffers);
            assertThat(again.get(names.get(0)).data()).isSameAs(buffers.get(names.get(0))).isNotEqualTo(first);
            assertThat(again.get(names.get(0)).data()).containsExactly(r.run(Map.of(in, other), names).get(names.get(0)).toFloats());
        }
    }
}
