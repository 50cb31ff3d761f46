package io.vitshrink.onnx.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void countsTopKAndSkipsUnlabeled() {
        ClassificationMetrics m = new ClassificationMetrics();
        float[] logits = {
            0, 5, 1, 2, 3, 4, // argmax 1; label 1 → top-1
            9, 8, 7, 6, 5, 4, // label 4 → rank 4 → top-5 only
            1, 2, 3, 4, 5, 6, // label 0 → rank 5 → neither
            1, 1, 1, 1, 1, 1, // unlabeled
        };
        m.add(logits, 6, new int[] {1, 4, 0, -1}, null);
        assertThat(m.images()).isEqualTo(4);
        assertThat(m.labeledImages()).isEqualTo(3);
        assertThat(m.top1()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(m.top5()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.agreementTop1()).isNaN();
    }

    @Test
    void identicalLogitsAgreeWithZeroKlAndUnitCosine() {
        ClassificationMetrics m = new ClassificationMetrics();
        float[] logits = {0.1f, 2f, -1f, 3f, 0f, 0.5f};
        m.add(logits, 3, null, logits.clone());
        assertThat(m.agreementTop1()).isEqualTo(1.0);
        assertThat(m.meanKl()).isCloseTo(0.0, within(1e-12));
        assertThat(m.meanLogitCosine()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void klMatchesHandComputedValue() {
        // p = softmax(0, 0) = (0.5, 0.5); q = softmax(0, ln 3) = (0.25, 0.75)
        float[] p = {0f, 0f};
        float[] q = {0f, (float) Math.log(3)};
        double expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertThat(ClassificationMetrics.kl(p, q, 0, 2)).isCloseTo(expected, within(1e-6));
        ClassificationMetrics m = new ClassificationMetrics();
        m.add(q, 2, new int[] {0}, p);
        assertThat(m.agreementTop1()).isEqualTo(0.0); // ties pick the first class for the reference
        assertThat(m.top1()).isEqualTo(0.0);
    }
}
