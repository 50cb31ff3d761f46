package io.vitshrink.quant.hostile;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.scheme.SchemePresets;

/** Tiny ViTs, synthetic calibration batches and plans made for them, for the hostile-input tests. */
final class HostileFixtures {
    static final int IMAGE = 32;

    private HostileFixtures() {
    }

    static TinyVitBuilder vit(int depth, int width) {
        return TinyVitBuilder.deitLike().depth(depth).width(width).heads(2).imageSize(IMAGE).patchSize(8).classes(10).seed(5);
    }

    /** {@code batches} batches of 4 synthetic images. */
    static CalibrationInputs images(TinyVitBuilder b, int batches) {
        return () -> new CalibrationInputs.Pass() {
            int i;

            @Override
            public boolean hasNext() {
                return i < batches;
            }

            @Override
            public CalibrationInputs.Batch next() {
                return new CalibrationInputs.Batch(SyntheticImages.batch(b.config(), 100 + i++, 4), new long[] {4, 3, IMAGE, IMAGE});
            }

            @Override
            public void close() {
            }
        };
    }

    static final PtqPipeline.Listener SILENT = new PtqPipeline.Listener() {
        @Override
        public void passStarted(String what, int passes) {
        }

        @Override
        public void imagesDone(int images) {
        }
    };

    /** A calibrated plan for the model {@code b} builds. */
    static QuantPlan plan(TinyVitBuilder b, String format, int wBits, int aBits, PtqPipeline.Reparam reparam) {
        PtqPipeline.Settings s = new PtqPipeline.Settings(SchemePresets.get("vit-all", wBits, aBits), ObserverKind.MINMAX,
                WeightRangeMethod.MINMAX, reparam, format, false, IMAGE);
        Model m = b.build();
        return new PtqPipeline(RunnerOptions.defaults().withIntraOpThreads(1), SILENT).run(m, "tiny.onnx", "", "test",
                images(b, 1), s).plan();
    }
}
