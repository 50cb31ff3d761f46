package io.vitshrink.quant.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import org.junit.jupiter.api.Test;

class BudgetTest {

    @Test
    void parsesEveryMeasureWithSuffixes() {
        Budget b = Budget.parse("avg_bits=5");
        assertThat(b.limit(Budget.Kind.W_BITS)).isEqualTo(5);
        assertThat(b.limit(Budget.Kind.A_BITS)).isEqualTo(5);
        assertThat(Budget.parse("bops=40G").limit(Budget.Kind.BOPS)).isEqualTo(40e9);
        assertThat(Budget.parse("bytes=2.5M, a_bits=6").limits()).hasSize(2);
        assertThat(Budget.parse("bytes=2.5M").limit(Budget.Kind.BYTES)).isEqualTo(2.5e6);
    }

    @Test
    void refusesNonsenseWithTheOptionNamed() {
        for (String bad : new String[] {"5", "avg_bits=-1", "avg_bits=x", "speed=3", "bops=0"}) {
            assertThatThrownBy(() -> Budget.parse(bad)).as(bad).isInstanceOf(UserException.class).hasMessageContaining("--budget");
        }
    }

    @Test
    void allowsAndSizesPlans() {
        Measures m = new Measures(4.9, 5.2, 2_000_000, 30_000_000_000L);
        assertThat(Budget.parse("avg_bits=5").allows(m)).isFalse();
        assertThat(Budget.parse("w_bits=5").allows(m)).isTrue();
        assertThat(Budget.parse("bops=30G").allows(m)).isTrue();
        assertThat(Budget.parse("bops=29.9G").allows(m)).isFalse();
        assertThat(Budget.parse("avg_bits=5").size(m)).isEqualTo(5.05, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(Budget.parse("bops=1,bytes=1").size(m)).isEqualTo(30e9);
        Budget mid = Budget.parse("avg_bits=5").between(new Measures(4, 4, 0, 0), new Measures(8, 8, 0, 0), 0.25);
        assertThat(mid.limit(Budget.Kind.W_BITS)).isEqualTo(5);
    }
}
