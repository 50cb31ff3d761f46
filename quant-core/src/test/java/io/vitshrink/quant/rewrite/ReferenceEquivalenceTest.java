package io.vitshrink.quant.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX form of every quantizer, run by ONNX Runtime, equals the Java reference bit for bit:
 * {@code x → [quantizer] → Identity → y} rewritten as QDQ and as simulated quantization gives exactly
 * {@link UniformQuantizer#fakeQuantize}, for random and structured tensors, per tensor / channel /
 * group, 2/4/6/8/16 bits, signed and unsigned, symmetric and affine. QDQ refuses the widths it has no
 * type for.
 */
class ReferenceEquivalenceTest {
    private static final int K = 40; // not a multiple of the group size: the last group is short
    private static final int N = 24;
    private static final int GROUP = 16;

    static Stream<Arguments> weightCases() {
        List<Arguments> args = new ArrayList<>();
        for (boolean structured : List.of(false, true)) {
            for (Granularity g : Granularity.values()) {
                for (int bits : List.of(2, 4, 6, 8, 16)) {
                    for (boolean signed : List.of(true, false)) {
                        for (boolean symmetric : List.of(true, false)) {
                            // per channel/group on a MatMul weight [K, N] (axis 1) and a Gemm weight [N, K] (axis 0)
                            args.add(Arguments.of(structured, g, bits, signed, symmetric, structured ? 0 : 1));
                        }
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "weight structured={0} {1} {2} bits signed={3} symmetric={4} axis={5}")
    @MethodSource("weightCases")
    void weightsMatchTheReference(boolean structured, Granularity g, int bits, boolean signed, boolean symmetric,
            int axis) {
        long[] dims = axis == 1 ? new long[] {K, N} : new long[] {N, K};
        float[] w = structured ? Fixtures.structured(K * N) : Fixtures.random(bits * 31L + axis, K * N, 0.05f);
        UniformSpec spec = new UniformSpec(bits, signed, symmetric, g, g == Granularity.PER_GROUP ? GROUP : 0);
        TensorQuantization q = Fixtures.weight(Fixtures.X, w, dims, spec, axis);
        float[] expected = UniformQuantizer.fakeQuantize(w, dims, q.params());
        Model model = Fixtures.weightThroughIdentity(Tensor.ofFloats(Fixtures.X, dims, w), 13);

        Model simulated = SimulatedRewriter.defaults().rewrite(model, List.of(q));
        assertThat(Fixtures.run(simulated, Map.of()).get(Fixtures.Y).toFloats()).containsExactly(expected);

        if (bits > 4 && bits < 8 || bits > 8 && bits < 16) {
            assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(q)))
                    .isInstanceOf(UserException.class).hasMessageContaining("--format simulated");
            return;
        }
        Model qdq = QdqRewriter.defaults().rewrite(model, List.of(q));
        assertThat(qdq.graph().initializer(Fixtures.X)).as("float weight removed").isEmpty();
        assertThat(Fixtures.run(qdq, Map.of()).get(Fixtures.Y).toFloats()).containsExactly(expected);
    }

    static Stream<Arguments> activationCases() {
        List<Arguments> args = new ArrayList<>();
        for (boolean structured : List.of(false, true)) {
            for (Granularity g : List.of(Granularity.PER_TENSOR, Granularity.PER_CHANNEL)) {
                for (int bits : List.of(2, 4, 6, 8, 16)) {
                    for (boolean signed : List.of(true, false)) {
                        for (boolean symmetric : List.of(true, false)) {
                            args.add(Arguments.of(structured, g, bits, signed, symmetric));
                        }
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "activation structured={0} {1} {2} bits signed={3} symmetric={4}")
    @MethodSource("activationCases")
    void activationsMatchTheReference(boolean structured, Granularity g, int bits, boolean signed, boolean symmetric) {
        long[] dims = {3, 5, N};
        int n = 3 * 5 * N;
        float[] x = structured ? Fixtures.structured(n) : Fixtures.random(bits * 7L + (signed ? 1 : 0), n, 1.5f);
        // calibrated on other data than it runs on, so that some values saturate
        float[] calibration = Fixtures.random(99, n, 1.0f);
        UniformSpec spec = new UniformSpec(bits, signed, symmetric, g, 0);
        UniformParams p = Fixtures.params(calibration, dims, spec, structured ? 2 : -1);
        TensorQuantization q = Fixtures.activation(Fixtures.X, List.of(Fixtures.IDENTITY), p);
        float[] expected = UniformQuantizer.fakeQuantize(x, dims, p);
        Model model = Fixtures.activationThroughIdentity(dims, 17);
        Map<String, Tensor> feed = Map.of(Fixtures.X, Tensor.ofFloats(Fixtures.X, dims, x));

        Model simulated = SimulatedRewriter.defaults().rewrite(model, List.of(q));
        assertThat(Fixtures.run(simulated, feed).get(Fixtures.Y).toFloats()).containsExactly(expected);

        if (bits != 4 && bits != 8 && bits != 16) {
            assertThatThrownBy(() -> QdqRewriter.defaults().rewrite(model, List.of(q)))
                    .isInstanceOf(UserException.class).hasMessageContaining("--format simulated");
            return;
        }
        Model qdq = QdqRewriter.defaults().rewrite(model, List.of(q));
        assertThat(Fixtures.run(qdq, feed).get(Fixtures.Y).toFloats()).containsExactly(expected);
    }

    @Test
    void roundingTiesGoToEven() {
        // scale 0.25: x / scale lands exactly on .5 for x = 0.125 + k·0.25, where rint and half-up differ
        UniformParams p = new UniformParams(new UniformSpec(8, false, false, Granularity.PER_TENSOR, 0),
                new float[] {0.25f}, new int[] {3}, 0);
        long[] dims = {1, 16};
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = 0.125f + (i - 8) * 0.25f;
        }
        float[] expected = UniformQuantizer.fakeQuantize(x, dims, p);
        Model model = Fixtures.activationThroughIdentity(dims, 13);
        TensorQuantization q = Fixtures.activation(Fixtures.X, List.of(), p);
        Map<String, Tensor> feed = Map.of(Fixtures.X, Tensor.ofFloats(Fixtures.X, dims, x));
        for (QuantRewriter r : List.of(QdqRewriter.defaults(), SimulatedRewriter.defaults())) {
            assertThat(Fixtures.run(r.rewrite(model, List.of(q)), feed).get(Fixtures.Y).toFloats())
                    .as(r.format()).containsExactly(expected);
        }
        assertThat(expected[8]).isEqualTo(0f); // 0.5 → 0 (even), not 1
        assertThat(expected[9]).isEqualTo(0.5f); // 1.5 → 2
    }
}
