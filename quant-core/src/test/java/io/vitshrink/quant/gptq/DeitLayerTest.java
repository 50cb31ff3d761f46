package io.vitshrink.quant.gptq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.io.Npy;
import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.observers.WeightRanges;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPTQ on real DeiT-Tiny layers (block 6's fc1 and fc2, Gram matrix from the two reference images):
 * the 4-bit layer output error on those same tokens — GPTQ's own objective, so in-sample; fc2's 768
 * inputs see only 394 tokens, which flatters it most — is well below round-to-nearest's (measured: fc1
 * g64 0.0070 → 0.0009, fc1 per channel 0.0095 → 0.0010, fc2 g64 0.0142 → 0.0007, relative). Skips
 * without {@code ../shared}.
 */
class DeitLayerTest {

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

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"fc1, per_group", "fc1, per_channel", "fc2, per_group"})
    void gptqLowersTheOutputErrorOfRealLayers(String layer, String granularity) {
        Model model = ModelIO.load(shared("models/deit-tiny/deit_tiny_patch16_224_in1k.onnx"));
        Tensor input = Npy.read(shared("models/deit-tiny/ref_input_2x3x224x224.npy"));
        Linear lin = layer.equals("fc1") ? AnalyzedModel.of(model).structure().blocks().get(6).mlp().fc1()
                : AnalyzedModel.of(model).structure().blocks().get(6).mlp().fc2();
        Model exposed = ExposedOutputs.expose(model, List.of(lin.input()));
        float[] x;
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            x = r.runFloats(Map.of(r.inputNames().get(0), input.withName(r.inputNames().get(0))), List.of(lin.input()))
                    .get(lin.input()).data();
        }
        Tensor w = model.graph().constant(lin.weight()).orElseThrow();
        int axis = lin.weightOutInLayout() ? 0 : 1;
        int in = Math.toIntExact(lin.inFeatures());
        int out = Math.toIntExact(lin.outFeatures());
        int rows = x.length / in;
        InputGram gram = new InputGram(in);
        gram.add(x, rows);
        UniformSpec spec = UniformSpec.weights(4, Granularity.parse(granularity), 64);
        float[] wf = w.toFloats();
        float[] rtn = UniformQuantizer.fakeQuantize(wf, w.dims(),
                WeightRanges.search(WeightRangeMethod.MSE, wf, w.dims(), axis, spec));
        Gptq.Result g = Gptq.quantize(wf, w.dims(), axis, spec, WeightRangeMethod.MSE, gram.matrix(), Damping.DEFAULT);
        float[] gptq = UniformQuantizer.dequantize(g.levels(), w.dims(), g.params());
        double eRtn = error(x, rows, in, out, wf, rtn, axis);
        double eGptq = error(x, rows, in, out, wf, gptq, axis);
        System.out.printf(Locale.ROOT, "DeiT-Tiny block 6 %s W4 %s: relative output error RTN %.4f, GPTQ %.4f%n", layer,
                granularity, eRtn, eGptq);
        assertThat(eGptq).isLessThan(0.8 * eRtn);
    }

    /** ‖X(W − Ŵ)‖² / ‖XW‖² on the tokens. */
    private static double error(float[] x, int rows, int in, int out, float[] w, float[] wHat, int axis) {
        double num = 0;
        double den = 0;
        double[] d = new double[out];
        double[] y = new double[out];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(d, 0);
            java.util.Arrays.fill(y, 0);
            for (int i = 0; i < in; i++) {
                double xi = x[r * in + i];
                for (int o = 0; o < out; o++) {
                    int k = axis == 0 ? o * in + i : i * out + o;
                    d[o] += xi * ((double) w[k] - wHat[k]);
                    y[o] += xi * w[k];
                }
            }
            for (int o = 0; o < out; o++) {
                num += d[o] * d[o];
                den += y[o] * y[o];
            }
        }
        return num / den;
    }
}
