package io.vitshrink.quant.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.testkit.ExportStyle;
import io.vitshrink.onnx.testkit.TinyVitBuilder;
import io.vitshrink.onnx.testkit.TinyVitConfig;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import io.vitshrink.quant.quantizers.UniformSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code com.microsoft:MatMulNBits}: the packing follows ONNX Runtime's contrib-op spec, and ORT's output
 * equals the Java reference (weights dequantized with {@link UniformQuantizer}, then a float MatMul)
 * within float rounding. Fed the identity matrix, MatMulNBits returns the dequantized weight itself.
 */
class MatMulNBitsTest {
    private static final int K = 40; // the last block is short and padded
    private static final int N = 24;
    /** fp32 compute: what makes ORT's output comparable to the float reference. */
    static final RunnerOptions FP32 = RunnerOptions.defaults().withConfig("session.qdq_matmulnbits_accuracy_level", "1");

    @Test
    void packsLowBitsFirstAlongK() {
        int[] values = new int[2 * 5]; // N = 2 rows, K = 5, block 16 → one block per row, 11 padded values
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        int[] zp = {8, 3};
        byte[] b = MatMulNBitsPacking.packB(values, 2, 5, 4, 16, zp);
        assertThat(b).hasSize(2 * 8);
        assertThat(b[0] & 0xFF).isEqualTo(0x21); // values 1 (low nibble) and 2 (high nibble)
        assertThat(b[1] & 0xFF).isEqualTo(0x43);
        assertThat(b[2] & 0xFF).isEqualTo(0x85); // value 5, then padding with the zero point 8
        assertThat(b[3] & 0xFF).isEqualTo(0x88);
        assertThat(b[8] & 0xFF).isEqualTo(0x76); // row 1: values 6, 7
        assertThat(b[10] & 0xFF).isEqualTo(0x3A); // value 10, then the row's zero point 3
        assertThat(MatMulNBitsPacking.packZeroPoints(new int[] {1, 2, 3, 4, 5, 6}, 2, 3, 4))
                .containsExactly(0x21, 0x03, 0x54, 0x06);
        byte[] two = MatMulNBitsPacking.packB(new int[] {1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0}, 1, 16, 2, 16, new int[] {2});
        assertThat(two).hasSize(4);
        assertThat(two[0] & 0xFF).isEqualTo(0b00_11_10_01);
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (int bits : List.of(2, 3, 4, 6, 8)) {
            for (boolean signedSymmetric : List.of(true, false)) {
                args.add(Arguments.of(bits, signedSymmetric, Granularity.PER_GROUP, 16));
            }
        }
        args.add(Arguments.of(4, true, Granularity.PER_GROUP, 32));
        args.add(Arguments.of(4, false, Granularity.PER_CHANNEL, 0));
        args.add(Arguments.of(4, true, Granularity.PER_TENSOR, 0));
        return args.stream();
    }

    @ParameterizedTest(name = "{0} bits signed-symmetric={1} {2} {3}")
    @MethodSource("cases")
    void ortMatchesTheReference(int bits, boolean signedSymmetric, Granularity g, int groupSize) {
        long[] dims = {K, N};
        float[] w = Fixtures.random(bits * 13L + groupSize, K * N, 0.1f);
        UniformSpec spec = signedSymmetric ? new UniformSpec(bits, true, true, g, groupSize)
                : new UniformSpec(bits, false, false, g, groupSize);
        TensorQuantization q = new TensorQuantization("W", TensorRole.WEIGHT, List.of(),
                Fixtures.params(w, dims, spec, 1));
        float[] wq = UniformQuantizer.fakeQuantize(w, dims, q.params());
        Model model = Fixtures.matmul(Tensor.ofFloats("W", dims, w), 17);
        Model nbits = MatMulNBitsRewriter.defaults().withAccuracyLevel(1).rewrite(model, List.of(q));

        Node node = nbits.graph().node("matmul").orElseThrow();
        assertThat(node.opType()).isEqualTo("MatMulNBits");
        assertThat(node.domain()).isEqualTo("com.microsoft");
        assertThat(node.intAttr("K", 0)).isEqualTo(K);
        assertThat(node.intAttr("N", 0)).isEqualTo(N);
        assertThat(node.intAttr("bits", 0)).isEqualTo(MatMulNBitsRewriter.storageBits(bits));
        assertThat(nbits.opsets()).containsEntry("com.microsoft", 1L);
        assertThat(nbits.graph().initializer("W")).isEmpty();
        assertThat(nbits.graph().initializer("W/quantized").orElseThrow().type()).isEqualTo(DataType.UINT8);
        assertThat(node.input(3).isEmpty()).as("zero points only when not the default").isEqualTo(signedSymmetric);

        // the identity matrix reads the dequantized weight out
        float[] eye = new float[K * K];
        for (int i = 0; i < K; i++) {
            eye[i * K + i] = 1f;
        }
        float[] out = Fixtures.run(nbits, Map.of("a", Tensor.ofFloats("a", new long[] {K, K}, eye)), FP32).get("y").toFloats();
        assertThat(out).containsExactly(wq);

        // a random input: the float MatMul of the dequantized weight, up to summation order
        int m = 5;
        float[] a = Fixtures.random(7, m * K, 1f);
        float[] y = Fixtures.run(nbits, Map.of("a", Tensor.ofFloats("a", new long[] {m, K}, a)), FP32).get("y").toFloats();
        float[] expected = matmul(a, wq, m, K, N);
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void gemmWithTransposedWeightAndBias() {
        long[] dims = {N, K}; // Gemm transB: [out, in], channel axis 0
        float[] w = Fixtures.random(21, K * N, 0.1f);
        float[] bias = Fixtures.random(22, N, 1f);
        Graph g = new Graph("gemm");
        g.addInput(new ValueInfo("a", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(K))));
        g.putInitializer(Tensor.ofFloats("W", dims, w));
        g.putInitializer(Tensor.ofFloats("b", new long[] {N}, bias));
        g.addNode(new Node("head", "Gemm", List.of("a", "W", "b"), List.of("y"), Attribute.of("transB", 1L)));
        g.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(N))));
        Model model = new Model(8, Map.of("", 17L), g);
        TensorQuantization q = new TensorQuantization("W", TensorRole.WEIGHT, List.of("head"),
                Fixtures.params(w, dims, UniformSpec.weights(4, Granularity.PER_GROUP, 16), 0));
        Model nbits = MatMulNBitsRewriter.defaults().withAccuracyLevel(1).rewrite(model, List.of(q));
        Node node = nbits.graph().node("head").orElseThrow();
        assertThat(node.opType()).isEqualTo("MatMulNBits");
        assertThat(node.inputs()).containsExactly("a", "W/quantized", "W/scale", "", "", "b");

        float[] wq = UniformQuantizer.fakeQuantize(w, dims, q.params());
        int m = 3;
        float[] a = Fixtures.random(23, m * K, 1f);
        float[] y = Fixtures.run(nbits, Map.of("a", Tensor.ofFloats("a", new long[] {m, K}, a)), FP32).get("y").toFloats();
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < N; c++) {
                double s = bias[c];
                for (int k = 0; k < K; k++) {
                    s += a[r * K + k] * wq[c * K + k];
                }
                assertThat(y[r * N + c]).isCloseTo((float) s, org.assertj.core.data.Offset.offset(1e-5f * (1 + (float) Math.abs(s))));
            }
        }
    }

    /**
     * A tiny ViT with every Linear weight int4 per group of 32 as MatMulNBits (no opset change):
     * ORT's logits equal those of the same model with the weights replaced by their fake-quantized
     * float values, up to float rounding.
     */
    @Test
    void vitWithMatMulNBitsWeightsMatchesFakeQuantizedWeights(@TempDir Path tmp) {
        TinyVitBuilder b = TinyVitBuilder.deitLike().style(ExportStyle.TIMM).opset(17).width(64).seed(2);
        TinyVitConfig c = b.config();
        Model model = b.build();
        List<TensorQuantization> plan = VitPlans.plan(model, c, UniformSpec.weights(4, Granularity.PER_GROUP, 32), null);
        Model nbits = QdqRewriter.defaults().withMatMulNBits(true).withAccuracyLevel(1).rewrite(model, plan);
        Model simulated = SimulatedRewriter.defaults().rewrite(model, plan);

        assertThat(nbits.opset()).isEqualTo(17);
        assertThat(nbits.metadata()).containsEntry(RewriteMetadata.FORMAT, "matmulnbits");
        assertThat(Fixtures.opCounts(nbits)).containsEntry("MatMulNBits", plan.size()).doesNotContainKey("DequantizeLinear");
        float[] expected = VitPlans.logits(simulated, c, 4, 8, 8, RunnerOptions.defaults());
        float[] actual = VitPlans.logits(nbits, c, 4, 8, 8, RunnerOptions.defaults());
        assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(2e-4f));
        Path file = tmp.resolve("nbits.onnx");
        ModelIO.save(nbits, file);
        assertThat(ModelIO.load(file).graph().nodes()).filteredOn(n -> n.opType().equals("MatMulNBits")).hasSize(plan.size());
    }

    static float[] matmul(float[] a, float[] w, int m, int k, int n) {
        float[] y = new float[m * n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += (double) a[r * k + i] * w[i * n + c];
                }
                y[r * n + c] = (float) s;
            }
        }
        return y;
    }
}
