package io.vitshrink.quant.observers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import org.junit.jupiter.api.Test;

class ObserverKindTest {

    @Test
    void keysParseAndCreate() {
        assertThat(ObserverKind.values()).extracting(ObserverKind::key)
                .containsExactly("minmax", "moving_average", "percentile", "entropy", "mse");
        for (ObserverKind k : ObserverKind.values()) {
            assertThat(ObserverKind.parse(k.key())).isEqualTo(k);
            assertThat(k.create("x").name()).isEqualTo("x");
        }
        assertThat(ObserverKind.parse(" Moving-Average ")).isEqualTo(ObserverKind.MOVING_AVERAGE_MINMAX);
        assertThat(ObserverKind.MSE.create("t")).isInstanceOf(MseObserver.class);
        assertThat(ObserverKind.ENTROPY.create("t")).isInstanceOf(EntropyObserver.class);
        assertThat(ObserverKind.PERCENTILE.create("t")).isInstanceOf(PercentileObserver.class);
        assertThat(ObserverKind.MOVING_AVERAGE_MINMAX.create("t")).isInstanceOf(MovingAverageMinMaxObserver.class);
    }

    @Test
    void unknownKeyListsTheValidOnes() {
        assertThatThrownBy(() -> ObserverKind.parse("kl"))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown observer 'kl': use one of minmax, moving_average, percentile, entropy, mse");
        assertThatThrownBy(() -> new PercentileObserver("t", 30, 2048)).isInstanceOf(UserException.class);
    }
}
