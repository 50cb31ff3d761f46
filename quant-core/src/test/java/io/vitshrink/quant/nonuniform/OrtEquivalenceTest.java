package io.vitshrink.quant.nonuniform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX form of every quantizer, run by ONNX Runtime at batch 1 and 3, equals the Java reference bit
 * for bit on uniform [0, 1] data, softmax rows (with exact zeros, values near 1, 1e-30 and subnormals)
 * GELU outputs (with the negative part) and extremes (±∞, ±MAX_VALUE, subnormals, -0.0), at 2, 3, 4, 6
 * and 8 bits, and at the minimum opset 11; and on the floats on both sides
 * of every decision threshold of the log quantizers, where ORT's {@code Log} alone decides wrongly.
 */
class OrtEquivalenceTest {
    private static final long[] ITEM = {3, 16, 16}; // heads × tokens × tokens, a small attention map
    private static final int PER_ITEM = 3 * 16 * 16;

    static Stream<Arguments> quantizers() {
        List<Arguments> args = new ArrayList<>();
        for (int bits : List.of(2, 3, 4, 6, 8)) {
            args.add(Arguments.of(Log2Quantizer.unit(bits)));
            args.add(Arguments.of(new Log2Quantizer(bits, 0.83f, 0f)));
            args.add(Arguments.of(LogSqrt2Quantizer.unit(bits)));
            args.add(Arguments.of(new LogSqrt2Quantizer(bits, 0.9f, 0.05f)));
            args.add(Arguments.of(AdaLogQuantizer.softmax(bits, 23)));
            args.add(Arguments.of(AdaLogQuantizer.softmax(bits, 74))); // base 4: exact-float thresholds, ties
            args.add(Arguments.of(new AdaLogQuantizer(bits, 41, 37, 3.1f, AdaLogQuantizer.GELU_SHIFT)));
            int n = 1 << (bits - 1);
            args.add(Arguments.of(new TwinUniformQuantizer(bits, TwinUniformQuantizer.Mode.SOFTMAX, Math.scalb(1f, -(bits - 1) - 5), 5)));
            args.add(Arguments.of(new TwinUniformQuantizer(bits, TwinUniformQuantizer.Mode.SOFTMAX, 0.0123f, 3)));
            args.add(Arguments.of(new TwinUniformQuantizer(bits, TwinUniformQuantizer.Mode.SIGNED, AdaLogQuantizer.GELU_SHIFT / n, 4)));
            args.add(Arguments.of(UniformActivationQuantizer.ofRange(bits, 0f, 1f)));
            args.add(Arguments.of(UniformActivationQuantizer.ofRange(bits, -0.17f, 2.5f)));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantizers")
    void onnxRuntimeMatchesTheReference(NonUniformQuantizer q) {
        Model model = Samples.identity(ITEM);
        Model quantized = NonUniformRewriter.rewrite(model, List.of(new NonUniformQuantization(Samples.X, List.of(), q)));
        try (Runner r = Runner.open(quantized, RunnerOptions.defaults())) {
            for (int batch : List.of(1, 3)) {
                int n = batch * PER_ITEM;
                long[] shape = Samples.shape(batch, ITEM);
                for (float[] x : List.of(Samples.uniform01(batch, n), Samples.softmax(batch + 10, n / 16, 16),
                        Samples.gelu(batch + 20, n, 1.5), Samples.extremes(batch + 30, n))) {
                    float[] expected = q.fakeQuantize(x);
                    float[] actual = Samples.run(r, x, shape);
                    assertThat(actual).as("%s batch %d", q, batch).containsExactly(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("atOpset11")
    void theFormRunsAtOpset11(NonUniformQuantizer q) {
        Model quantized = NonUniformRewriter.rewrite(Samples.identity(ITEM, 11),
                List.of(new NonUniformQuantization(Samples.X, List.of(), q)));
        float[] x = Samples.concat(Samples.softmax(5, 24, 16), Samples.gelu(6, 2 * PER_ITEM - 24 * 16, 1));
        assertThat(Samples.run(quantized, x, Samples.shape(2, ITEM))).containsExactly(q.fakeQuantize(x));
    }

    static Stream<Arguments> atOpset11() {
        return Stream.of(Log2Quantizer.unit(4), LogSqrt2Quantizer.unit(4), new AdaLogQuantizer(4, 20, 37, 2f, 0.17f),
                new TwinUniformQuantizer(4, TwinUniformQuantizer.Mode.SIGNED, 0.02f, 3), UniformActivationQuantizer.ofRange(4, -1f, 1f))
                .map(Arguments::of);
    }

    static Stream<Arguments> thresholdCases() {
        List<Arguments> args = new ArrayList<>();
        for (LogQuantizer q : LevelsTest.thresholdCases()) {
            args.add(Arguments.of(q));
        }
        args.add(Arguments.of(new AdaLogQuantizer(4, 29, 37, 3.1f, AdaLogQuantizer.GELU_SHIFT)));
        args.add(Arguments.of(new LogSqrt2Quantizer(6, 0.77f, 0f)));
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("thresholdCases")
    void onnxRuntimeMatchesTheReferenceAtEveryThreshold(LogQuantizer q) {
        float[] x = boundaryInputs(q);
        Model quantized = NonUniformRewriter.rewrite(Samples.identity(new long[] {x.length}),
                List.of(new NonUniformQuantization(Samples.X, List.of(), q)));
        assertThat(Samples.run(quantized, x, new long[] {1, x.length})).containsExactly(q.fakeQuantize(x));
    }

    /** Without the threshold correction, ORT's Log would misplace many of these inputs. */
    @Test
    void logAloneMissesCodesThatTheCorrectionRestores() {
        LogSqrt2Quantizer q = LogSqrt2Quantizer.unit(4);
        float[] x = boundaryInputs(q);
        Model m = NonUniformRewriter.rewrite(Samples.identity(new long[] {x.length}),
                List.of(new NonUniformQuantization(Samples.X, List.of(), q)));
        String estimate = m.graph().nodes().stream().filter(n -> n.output(0).endsWith("/fake_quant/code_rounded"))
                .map(n -> n.output(0)).findFirst().orElseThrow();
        m.graph().addOutput(new ValueInfo(estimate, DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(x.length))));
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            Map<String, Tensor> out = r.run(Map.of(Samples.X, Tensor.ofFloats(Samples.X, new long[] {1, x.length}, x)));
            float[] rough = out.get(estimate).toFloats();
            int misses = 0;
            for (int i = 0; i < x.length; i++) {
                int code = q.code(x[i]);
                assertThat(Math.abs(rough[i] - code)).isLessThanOrEqualTo(1f);
                misses += rough[i] != code ? 1 : 0;
            }
            assertThat(misses).as("inputs whose Log estimate is one code off").isGreaterThan(10);
            assertThat(out.get(Samples.Y).toFloats()).containsExactly(q.fakeQuantize(x));
        }
    }

    /** The floats just below, at and above every threshold, mapped back through the scale and shift. */
    static float[] boundaryInputs(LogQuantizer q) {
        float[] b = q.bounds();
        List<Float> v = new ArrayList<>();
        for (int j = 1; j <= q.zeroCode(); j++) {
            for (float u : new float[] {Math.nextDown(b[j]), b[j], Math.nextUp(b[j])}) {
                v.add(u * q.scale() - q.shift());
                v.add(Math.nextUp(u * q.scale()) - q.shift());
            }
        }
        v.add(0f);
        v.add(-q.shift());
        float[] x = new float[v.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.get(i);
        }
        return x;
    }
}
