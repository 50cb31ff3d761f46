package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import java.util.Collection;
import java.util.Map;

/** Tiny test ViTs (17 tokens, width 32, 2 heads) and a way to read any value of them in ORT. */
final class TinyModels {
    static final int IMAGE = 32;

    private TinyModels() {
    }

    static TinyVitBuilder builder(ExportStyle style, int opset) {
        return TinyVitBuilder.deitLike().style(style).opset(opset).depth(4).seed(3);
    }

    static AnalyzedModel analyzed(ExportStyle style, int opset) {
        return AnalyzedModel.of(builder(style, opset).build(), IMAGE);
    }

    static float[] images(int batch) {
        return SyntheticImages.batch(builder(ExportStyle.TIMM, 17).config(), 11, batch);
    }

    static Map<String, Tensor> feed(int batch) {
        return Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, new long[] {batch, 3, IMAGE, IMAGE},
                images(batch)));
    }

    /** Values of a model on {@link #images}. */
    static Map<String, Runner.FloatOutput> run(Model model, int batch, Collection<String> values) {
        Model exposed = io.vitshrink.onnx.runtime.ExposedOutputs.expose(model, values);
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults().withIntraOpThreads(1))) {
            return r.runFloats(feed(batch), values);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
