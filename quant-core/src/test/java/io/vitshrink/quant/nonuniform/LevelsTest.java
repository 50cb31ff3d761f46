package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.quant.nonuniform.TwinUniformQuantizer.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The level sets and codes are what the definitions say. */
class LevelsTest {

    @Test
    void log2AtThreeBitsHasPowersOfTwoDownToTwoToTheMinusSeven() {
        Log2Quantizer q = Log2Quantizer.unit(3);
        assertThat(q.levels()).containsExactly(0f, 0x1p-7f, 0x1p-6f, 0x1p-5f, 0x1p-4f, 0x1p-3f, 0x1p-2f, 0x1p-1f, 1f);
        assertThat(q.fakeQuantize(new float[] {0f, -0f, -1f, 1f, 2f, 0.3f, 0x1p-7f, 0x1p-8f, 1e-30f, Float.NaN}))
                .containsExactly(0f, 0f, 0f, 1f, 1f, 0.25f, 0x1p-7f, 0f, 0f, 0f);
        // the last level is 2^-7; round(-log2 x) reaches 8 below 2^-7.5
        assertThat(q.code((float) Math.pow(2, -7.5) * 1.0001f)).isEqualTo(7);
        assertThat(q.code((float) Math.pow(2, -7.5) * 0.9999f)).isEqualTo(8);
        assertThat(q.zeroCode()).isEqualTo(8);
        assertThat(Float.floatToIntBits(q.fakeQuantize(new float[] {0f})[0])).isZero(); // +0.0
    }

    @Test
    void log2AtEightBitsReachesTheSmallestSubnormal() {
        Log2Quantizer q = Log2Quantizer.unit(8);
        float[] levels = q.levels();
        assertThat(levels[0]).isEqualTo(0f);
        assertThat(levels[1]).isEqualTo(Float.MIN_VALUE); // 2^-149; 2^-150 … 2^-255 are 0 in float32
        assertThat(levels).hasSize(151);
        assertThat(q.fakeQuantize(new float[] {Float.MIN_VALUE, 0x1p-140f})).containsExactly(Float.MIN_VALUE, 0x1p-140f);
    }

    @Test
    void logSqrt2LevelsAreHalfPowersWithTheFloatSqrt2() {
        LogSqrt2Quantizer q = LogSqrt2Quantizer.unit(3);
        float s = LogSqrt2Quantizer.SQRT2;
        List<Float> expected = new ArrayList<>(List.of(0f));
        for (int i = 7; i >= 0; i--) {
            expected.add(i % 2 == 1 ? Math.scalb(s, -(i + 1) / 2) : Math.scalb(1f, -i / 2));
        }
        float[] levels = q.levels();
        assertThat(levels).hasSize(9);
        for (int i = 0; i < levels.length; i++) {
            assertThat(levels[i]).isEqualTo(expected.get(i));
        }
        // code i ↔ -2·log2 x ≈ i: 0.7 → 2^-0.5 (code 1), 0.5 → code 2
        assertThat(q.codes(new float[] {1f, 0.7f, 0.5f, 0.36f, 0.09f, 0.01f})).containsExactly(0, 1, 2, 3, 7, 8);
    }

    @Test
    void adaLogWithTauEqualToRIsLog2AndTheTableIsTheDequantization() {
        AdaLogQuantizer base2 = AdaLogQuantizer.softmax(4, 37);
        assertThat(base2.levels()).containsExactly(Log2Quantizer.unit(4).levels());
        float[] x = Samples.softmax(3, 40, 16);
        assertThat(base2.codes(x)).containsExactly(Log2Quantizer.unit(4).codes(x));

        AdaLogQuantizer q = new AdaLogQuantizer(3, 20, 37, 2f, 0.5f);
        float[] f = AdaLogQuantizer.fractionTable(3, 37);
        float[] table = q.table();
        for (int i = 0; i < 8; i++) {
            int h = i * 20 / 37;
            int j = i * 20 % 37;
            assertThat(table[i]).isEqualTo(2f * Math.scalb(f[j], -h) - 0.5f);
            // F[j] is on the fixed-point grid of D = 2^(b+1) - 2 = 14 and within half a step of 2^(-j/37)
            assertThat(f[j] * 14).isEqualTo((float) Math.rint(f[j] * 14));
            assertThat(Math.abs(f[j] - Math.pow(2, -j / 37.0))).isLessThanOrEqualTo(0.5 / 14 + 1e-7);
        }
        assertThat(table[8]).isEqualTo(-0.5f); // the zero code gives -shift
    }

    @Test
    void logCodesAgreeWithADoublePrecisionLogAwayFromTies() {
        List<LogQuantizer> quantizers = List.of(Log2Quantizer.unit(6), LogSqrt2Quantizer.unit(6), AdaLogQuantizer.softmax(6, 13),
                AdaLogQuantizer.softmax(4, 101), AdaLogQuantizer.softmax(8, 5));
        float[] x = Samples.concat(Samples.uniform01(1, 5000), Samples.softmax(2, 200, 50));
        for (LogQuantizer q : quantizers) {
            long[] base = q.log2Base();
            for (float u : x) {
                int expected;
                if (!(u > 0)) {
                    expected = q.zeroCode();
                } else {
                    double v = -Math.log(u) / Math.log(2) * base[1] / base[0];
                    if (Math.abs(v - Math.floor(v) - 0.5) < 1e-9) {
                        continue; // too close to a tie for a double log to decide
                    }
                    expected = (int) Math.max(0, Math.min(q.zeroCode(), Math.rint(v)));
                }
                assertThat(q.code(u)).as("%s at %s", q, u).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyThresholdSplitsNeighbouringFloatsExactly() {
        for (LogQuantizer q : thresholdCases()) {
            long[] base = q.log2Base();
            float[] b = q.bounds();
            for (int j = 1; j <= q.zeroCode(); j++) {
                if (b[j] == Float.MIN_VALUE) {
                    continue; // θ below every positive float
                }
                double theta = Math.pow(2, -(2.0 * j - 1) * base[0] / (2.0 * base[1]));
                float below = Math.nextDown(b[j]);
                assertThat(q.codeOfInput(below)).as("%s j=%d", q, j).isGreaterThanOrEqualTo(j);
                assertThat(q.codeOfInput(b[j])).as("%s j=%d", q, j).isLessThan(j);
                boolean exact = (2L * j - 1) * base[0] % (2 * base[1]) == 0;
                if (exact) {
                    // θ is a float: the tie goes to the even code
                    float tie = (float) theta;
                    assertThat(q.codeOfInput(tie)).as("tie at %s", tie).isEqualTo(j % 2 == 0 ? j : j - 1);
                } else {
                    assertThat((double) below).as("%s j=%d", q, j).isLessThan(theta);
                    assertThat((double) b[j]).as("%s j=%d", q, j).isGreaterThan(theta);
                }
            }
        }
    }

    @Test
    void baseFourHasExactTiesThatRoundToEven() {
        AdaLogQuantizer q = AdaLogQuantizer.softmax(4, 74); // base 4: -log4(2^-(2k+1)) = k + ½
        assertThat(q.codes(new float[] {0.5f, 0x1p-3f, 0x1p-5f, 0x1p-7f, 0x1p-9f}))
                .containsExactly(0, 2, 2, 4, 4);
        assertThat(q.codes(new float[] {Math.nextDown(0.5f), Math.nextUp(0x1p-3f)})).containsExactly(1, 1);
    }

    @Test
    void twinUniformLevels() {
        TwinUniformQuantizer softmax = new TwinUniformQuantizer(3, Mode.SOFTMAX, 0.03125f, 3); // Δ2 = 0.25, split 1/8
        assertThat(softmax.split()).isEqualTo(0.125f);
        assertThat(softmax.levels()).containsExactly(0f, 0.03125f, 0.0625f, 0.09375f, 0.25f, 0.5f, 0.75f);
        assertThat(softmax.fakeQuantize(new float[] {0f, 0.05f, 0.124f, 0.125f, 0.2f, 0.6f, 1f, -0.3f}))
                .containsExactly(0f, 0.0625f, 0.09375f, 0f, 0.25f, 0.5f, 0.75f, 0f);

        TwinUniformQuantizer gelu = new TwinUniformQuantizer(3, Mode.SIGNED, 0.0425f, 4); // Δ2 = 0.68
        assertThat(gelu.levels()).containsExactly(-0.17f, -0.1275f, -0.085f, -0.0425f, 0f, 0.68f, 1.36f, 2.04f);
        assertThat(gelu.fakeQuantize(new float[] {-0.16997f, -0.05f, -0f, 0.3f, 0.4f, 9f}))
                .containsExactly(-0.17f, -0.0425f, 0f, 0f, 0.68f, 2.04f);
    }

    @Test
    void uniformMatchesTheUniformReference() {
        UniformActivationQuantizer q = UniformActivationQuantizer.ofRange(4, 0f, 1f);
        assertThat(q.levels()).hasSize(16).startsWith(0f).endsWith(1f);
        float[] x = {0.5f, 2f, -1f, 0.3f};
        assertThat(q.fakeQuantize(x)).containsExactly(
                io.vitshrink.quant.quantizers.UniformQuantizer.fakeQuantize(x, new long[] {4}, q.params()));
        assertThat(q.fakeQuantize(x)).containsExactly(7 * q.scale(), 1f, 0f, 4 * q.scale()); // 0.5/scale = 7.4999996
    }

    static List<LogQuantizer> thresholdCases() {
        List<LogQuantizer> out = new ArrayList<>();
        for (int bits : List.of(2, 4, 8)) {
            out.add(Log2Quantizer.unit(bits));
            out.add(LogSqrt2Quantizer.unit(bits));
            for (int tau : List.of(2, 10, 17, 37, 74, 110)) {
                out.add(AdaLogQuantizer.softmax(bits, tau));
            }
        }
        return out;
    }
}
