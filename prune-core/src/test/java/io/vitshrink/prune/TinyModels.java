package io.vitshrink.prune;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.prune.calibration.CalibrationImages;
import java.util.Map;

/** Tiny ViTs, calibration images and ORT runs shared by the prune-core tests. */
public final class TinyModels {
    public static final int IMAGE = 32;
    public static final int IMAGES = 8;

    private TinyModels() {
    }

    /** 2 blocks, width 32, 4 heads of 8, MLP 128, 17 tokens. */
    public static TinyVitConfig config(ExportStyle style, int opset) {
        return TinyVitBuilder.deitLike().style(style).opset(opset).depth(2).width(32).heads(4).seed(5).config();
    }

    public static AnalyzedModel analyzed(TinyVitConfig c) {
        return AnalyzedModel.of(TinyVitBuilder.build(c), IMAGE);
    }

    public static float[] images(TinyVitConfig c, long seed) {
        return SyntheticImages.batch(c, seed, IMAGES);
    }

    public static long[] shape(TinyVitConfig c) {
        return new long[] {IMAGES, c.channels(), c.imageSize(), c.imageSize()};
    }

    public static CalibrationImages calibration(TinyVitConfig c) {
        return CalibrationImages.of(images(c, 11), shape(c));
    }

    /** 32 images × 17 tokens: more tokens than the widest layer input (128), as reconstruction needs. */
    public static CalibrationImages calibration32(TinyVitConfig c) {
        return CalibrationImages.of(SyntheticImages.batch(c, 11, 32), new long[] {32, c.channels(), c.imageSize(), c.imageSize()});
    }

    /** Logits of the model on the seed-21 images (not the calibration ones). */
    public static float[] logits(Model m, TinyVitConfig c) {
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            Tensor t = r.run(Map.of(TinyVitBuilder.INPUT, Tensor.ofFloats(TinyVitBuilder.INPUT, shape(c), images(c, 21))))
                    .get(TinyVitBuilder.OUTPUT);
            return t.toFloats();
        }
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
