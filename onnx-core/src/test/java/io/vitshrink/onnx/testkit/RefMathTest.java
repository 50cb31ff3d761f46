package io.vitshrink.onnx.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RefMathTest {

    @Test
    void erfMatchesTabulatedValues() {
        // values from Abramowitz & Stegun table 7.1 / high-precision references
        assertThat(RefMath.erf(0.0)).isEqualTo(0.0);
        assertThat(RefMath.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-12));
        assertThat(RefMath.erf(1.0)).isCloseTo(0.8427007929497149, within(1e-12));
        assertThat(RefMath.erf(-1.0)).isCloseTo(-0.8427007929497149, within(1e-12));
        assertThat(RefMath.erf(2.5)).isCloseTo(0.9995930479825550, within(1e-12));
        assertThat(RefMath.erf(3.0)).isCloseTo(0.9999779095030014, within(1e-12));
        assertThat(RefMath.erf(Math.nextDown(3.0))).isCloseTo(0.9999779095030014, within(1e-12));
        assertThat(RefMath.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-12));
        assertThat(RefMath.erf(5.0)).isCloseTo(0.9999999999984626, within(1e-12));
        assertThat(RefMath.erf(8.0)).isEqualTo(1.0);
    }

    @Test
    void geluFormsAreCloseButDistinct() {
        assertThat(RefMath.gelu(1.0f, GeluForm.ERF)).isCloseTo(0.8413447f, within(1e-6f));
        assertThat(RefMath.gelu(1.0f, GeluForm.TANH)).isCloseTo(0.8411920f, within(1e-6f));
        assertThat(RefMath.gelu(1.0f, GeluForm.GELU_OP)).isEqualTo(RefMath.gelu(1.0f, GeluForm.ERF));
        assertThat(RefMath.gelu(-3.0f, GeluForm.ERF)).isCloseTo(-0.0040497f, within(1e-6f));
    }
}
