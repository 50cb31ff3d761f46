package io.vitshrink.prune.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.TinyModels;
import io.vitshrink.prune.weights.ElementScores;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.MaskSelector;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NetworkSensitivityTest {
    private static final double[] CANDIDATES = {0.25, 0.75};

    /** Magnitude pruning without reconstruction: what the measurement runs is all the test needs to know. */
    private static float[] magnitude(Linear l, float[] w, double sparsity) {
        int o = (int) l.outFeatures();
        int i = (int) l.inFeatures();
        boolean[] pruned = MaskSelector.select(ElementScores.of(ImportanceScore.MAGNITUDE, w, o, i, null, 0), o, i,
                SparsityPattern.unstructured(), sparsity, true).elements();
        float[] out = w.clone();
        for (int k = 0; k < out.length; k++) {
            if (pruned[k]) {
                out[k] = 0;
            }
        }
        return out;
    }

    /** Mean KL of a model with one layer replaced, run the ordinary way (weights as initializers). */
    private static double directKl(Model dense, TinyVitConfig c, Linear l, float[] w) {
        Model m = dense.copy();
        LinearWeights.write(m.graph(), l, w, (int) l.outFeatures(), (int) l.inFeatures());
        float[] images = io.vitshrink.onnx.testkit.SyntheticImages.batch(c, 11, TinyModels.IMAGES);
        float[] ref = run(dense, c, images);
        float[] y = run(m, c, images);
        ClassificationMetrics metrics = new ClassificationMetrics();
        metrics.add(y, y.length / TinyModels.IMAGES, null, ref);
        return metrics.meanKl();
    }

    private static float[] run(Model m, TinyVitConfig c, float[] images) {
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            return r.run(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, TinyModels.shape(c), images)))
                    .get(TinyVitBuilder.OUTPUT).toFloats();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExportStyle.class, names = {"TIMM", "HUGGING_FACE", "TORCHVISION"})
    void eachCurvePointIsTheKlOfTheModelWithThatLayerPrunedAlone(ExportStyle style) {
        TinyVitConfig c = TinyModels.config(style, 17);
        Model m = TinyVitBuilder.build(c);
        byte[] before = ModelIO.toBytes(m);
        AnalyzedModel a = AnalyzedModel.of(m, TinyModels.IMAGE);
        List<Linear> linears = PrunableLinears.of(a.structure());
        Map<String, Long> macs = new LinkedHashMap<>();
        linears.forEach(l -> macs.put(l.name(), a.cost().byNode().get(l.name()).macs()));
        List<int[]> progress = new ArrayList<>();
        List<LayerSensitivity> curves = NetworkSensitivity.measure(m, linears, macs, CANDIDATES, NetworkSensitivityTest::magnitude,
                TinyModels.calibration(c), RunnerOptions.defaults(), (done, total) -> progress.add(new int[] {done, total}));

        assertThat(ModelIO.toBytes(m)).as("the input model is not modified").isEqualTo(before);
        assertThat(curves).hasSize(linears.size());
        assertThat(progress).hasSize(linears.size() * CANDIDATES.length);
        assertThat(progress.get(progress.size() - 1)).containsExactly(progress.size(), progress.size());
        int rising = 0;
        for (int k = 0; k < linears.size(); k++) {
            Linear l = linears.get(k);
            LayerSensitivity s = curves.get(k);
            assertThat(s.layer()).isEqualTo(l.name());
            assertThat(s.weights()).isEqualTo(l.inFeatures() * l.outFeatures());
            assertThat(s.macs()).isEqualTo(macs.get(l.name()));
            assertThat(s.errors()[0]).as(l.name()).isPositive();
            rising += s.errors()[1] > s.errors()[0] ? 1 : 0;
        }
        assertThat(rising).as("removing three times as much hurts more").isEqualTo(linears.size());
        // the weight-as-input session agrees with an ordinary run of the pruned model, for every weight layout
        for (int k : new int[] {0, linears.size() / 2, linears.size() - 1}) {
            Linear l = linears.get(k);
            float[] pruned = magnitude(l, LinearWeights.read(m.graph(), l), CANDIDATES[1]);
            double direct = directKl(m, c, l, pruned);
            assertThat(curves.get(k).errors()[1]).as(style + " " + l.name()).isCloseTo(direct,
                    org.assertj.core.data.Percentage.withPercentage(0.1));
        }
    }

    /**
     * An older export lists its initializers among the graph inputs too (removing the initializer
     * drops that listing): measured the same.
     */
    @org.junit.jupiter.api.Test
    void initializersListedAsInputsAreMeasuredTheSame() {
        TinyVitConfig c = TinyModels.config(ExportStyle.TIMM, 17);
        Model m = TinyVitBuilder.build(c);
        AnalyzedModel a = AnalyzedModel.of(m, TinyModels.IMAGE);
        List<Linear> linears = PrunableLinears.of(a.structure()).subList(0, 2);
        Map<String, Long> macs = new LinkedHashMap<>();
        linears.forEach(l -> macs.put(l.name(), 1L));
        Model old = m.copy();
        for (Linear l : linears) {
            Tensor t = old.graph().initializer(l.weight()).orElseThrow();
            List<io.vitshrink.onnx.model.Dim> dims = new ArrayList<>();
            for (long d : t.dims()) {
                dims.add(io.vitshrink.onnx.model.Dim.of(d));
            }
            old.graph().addInput(new io.vitshrink.onnx.model.ValueInfo(l.weight(), io.vitshrink.onnx.model.DataType.FLOAT, dims));
        }
        List<LayerSensitivity> plain = NetworkSensitivity.measure(m, linears, macs, CANDIDATES, NetworkSensitivityTest::magnitude,
                TinyModels.calibration(c), RunnerOptions.defaults(), (done, total) -> { });
        List<LayerSensitivity> listed = NetworkSensitivity.measure(old, linears, macs, CANDIDATES, NetworkSensitivityTest::magnitude,
                TinyModels.calibration(c), RunnerOptions.defaults(), (done, total) -> { });
        for (int k = 0; k < plain.size(); k++) {
            assertThat(listed.get(k).errors()).containsExactly(plain.get(k).errors());
        }
    }
}
