package io.vitshrink.quant.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.SyntheticImages;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.quant.observers.TensorObserver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pass reports where its time went: ONNX Runtime, the observers, the rest. */
class CalibratorTest {
    private static final TinyVitBuilder BUILDER = TinyVitBuilder.deitLike().depth(1).width(32).heads(2).seed(4);

    /** Sleeps on every update, so that the observers' share of the pass has a known lower bound. */
    private static final class SlowObserver implements TensorObserver {
        private final String name;
        private long images;

        SlowObserver(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public void update(float[] data, long[] shape) {
            images += shape[0];
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public long bytes() {
            return 0;
        }

        public long images() {
            return images;
        }
    }

    @Test
    void passStatsSplitTheWallTimeIntoInferenceObserversAndTheRest() {
        Model model = BUILDER.build();
        String logits = model.graph().outputs().get(0).name();
        List<CalibrationInputs.Batch> batches = List.of(
                new CalibrationInputs.Batch(SyntheticImages.batch(BUILDER.config(), 1, 2), new long[] {2, 3, 32, 32}),
                new CalibrationInputs.Batch(SyntheticImages.batch(BUILDER.config(), 2, 2), new long[] {2, 3, 32, 32}),
                new CalibrationInputs.Batch(SyntheticImages.batch(BUILDER.config(), 3, 2), new long[] {2, 3, 32, 32}));
        CalibrationInputs inputs = CalibrationInputs.of(batches);
        SlowObserver slow = new SlowObserver(logits);
        Calibrator.PassStats s = new Calibrator(RunnerOptions.defaults()).run(model, Map.of(logits, slow), inputs, n -> { });
        assertThat(s.images()).isEqualTo(6);
        assertThat(slow.images()).isEqualTo(6);
        assertThat(s.observerSeconds()).isGreaterThanOrEqualTo(3 * 0.030);
        assertThat(s.inferenceSeconds()).isPositive();
        assertThat(s.inferenceSeconds() + s.observerSeconds()).isLessThanOrEqualTo(s.seconds());
        assertThat(s.otherSeconds()).isEqualTo(s.seconds() - s.inferenceSeconds() - s.observerSeconds(),
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
