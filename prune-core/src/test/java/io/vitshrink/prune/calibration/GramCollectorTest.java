package io.vitshrink.prune.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.weights.PrunableLinears;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The XᵀX that ONNX Runtime forms inside the calibration run equals the Java reference on the exposed activations. */
class GramCollectorTest {

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "TORCHVISION"})
    void ortGramEqualsJavaGramOfTheExposedActivations(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        AnalyzedModel a = AnalyzedModel.of(m, TinyModels.IMAGE);
        Map<String, Integer> inputs = PrunableLinears.inputs(PrunableLinears.of(a.structure()));
        float[] pixels = TinyModels.images(c, 11);
        // two batches of 4, to check accumulation across batches
        CalibrationImages twoBatches = () -> new CalibrationImages.Pass() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 2;
            }

            @Override
            public CalibrationImages.Batch next() {
                int half = pixels.length / 2;
                float[] part = java.util.Arrays.copyOfRange(pixels, next * half, (next + 1) * half);
                next++;
                return new CalibrationImages.Batch(part, new long[] {TinyModels.IMAGES / 2, c.channels(), c.imageSize(), c.imageSize()});
            }

            @Override
            public void close() {
            }
        };
        int[] progress = {0};
        Map<String, InputGram> ort = new GramCollector(RunnerOptions.defaults(), n -> progress[0] = n).collect(m, inputs, twoBatches);
        assertEquals(TinyModels.IMAGES, progress[0]);

        List<String> names = new ArrayList<>(inputs.keySet());
        try (Runner r = Runner.open(ExposedOutputs.expose(m, names), RunnerOptions.defaults())) {
            Map<String, Runner.FloatOutput> acts = r.runFloats(Map.of(TinyVitBuilder.INPUT,
                    Tensor.ofFloats(TinyVitBuilder.INPUT, TinyModels.shape(c), pixels)), names);
            for (String v : names) {
                int d = inputs.get(v);
                InputGram java = new InputGram(d);
                java.add(acts.get(v).data(), acts.get(v).data().length / d);
                double[] expected = java.matrix();
                double[] actual = ort.get(v).matrix();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), v + " element " + i);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void unknownValueIsAUserError() {
        Model m = TinyVitBuilder.build(TinyModels.config(ExportStyle.TIMM, 17));
        assertThrows(UserException.class, () -> new GramCollector(RunnerOptions.defaults(), n -> { })
                .collect(m, Map.of("no-such-value", 4), TinyModels.calibration(TinyModels.config(ExportStyle.TIMM, 17))));
    }
}
