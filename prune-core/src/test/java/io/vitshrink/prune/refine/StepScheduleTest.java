package io.vitshrink.prune.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StepScheduleTest {

    @Test
    void cosineStartsAtTheFullStepHalvesMidwayAndEndsNearZero() {
        int n = 400;
        assertThat(StepSchedule.COSINE.factor(1, n)).isEqualTo(1.0);
        assertThat(StepSchedule.COSINE.factor(201, n)).isCloseTo(0.5, Offset.offset(1e-12));
        assertThat(StepSchedule.COSINE.factor(n, n)).isPositive().isLessThan(1e-4);
        for (int s = 2; s <= n; s++) {
            assertThat(StepSchedule.COSINE.factor(s, n)).isLessThan(StepSchedule.COSINE.factor(s - 1, n));
        }
        assertThat(StepSchedule.COSINE.factor(1, 1)).isEqualTo(1.0);
    }

    @Test
    void constantIsOneAtEveryStep() {
        for (int s = 1; s <= 50; s++) {
            assertThat(StepSchedule.CONSTANT.factor(s, 50)).isEqualTo(1.0);
        }
    }

    @Test
    void parsesItsKeysAndNamesTheChoicesOtherwise() {
        assertThat(StepSchedule.parse("cosine")).isEqualTo(StepSchedule.COSINE);
        assertThat(StepSchedule.parse("constant")).isEqualTo(StepSchedule.CONSTANT);
        assertThatThrownBy(() -> StepSchedule.parse("linear")).isInstanceOf(UserException.class)
                .hasMessageContaining("constant or cosine");
    }

    @Test
    void theHoldOutIsADivisorOfTheCalibrationBatchOrNone() {
        for (int ok : new int[] {0, 2, 4, 8, 16}) {
            assertThat(new RefineSettings(10, 1e-3, 16, 0, 0).withHoldout(ok).holdoutEvery()).isEqualTo(ok);
        }
        for (int bad : new int[] {1, 3, 5, 32, -8}) {
            assertThatThrownBy(() -> new RefineSettings(10, 1e-3, 16, 0, 0).withHoldout(bad)).isInstanceOf(UserException.class)
                    .hasMessageStartingWith("--refine-holdout");
        }
    }
}
