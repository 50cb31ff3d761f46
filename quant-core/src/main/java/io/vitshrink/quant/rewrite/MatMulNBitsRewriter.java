package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Weight-only low-bit Linears as ONNX Runtime's {@code com.microsoft:MatMulNBits}: each MatMul (or Gemm
 * with {@code transA = 0}, {@code alpha = beta = 1}) reading a quantized weight is replaced by one
 * MatMulNBits node of the same name and output, with attributes {@code K}, {@code N}, {@code bits},
 * {@code block_size} and (when set) {@code accuracy_level}, reading the packed weight
 * {@code <w>/quantized}, {@code <w>/scale} and, unless every zero point is the default
 * {@code 2^(bits-1)}, {@code <w>/zero_point} ({@link MatMulNBitsPacking}). A Gemm's bias becomes the
 * {@code bias} input. The {@code com.microsoft} opset import is added; the default opset is untouched.
 *
 * <p>Bits: 2 → 2-bit, 3–4 → 4-bit, 5–8 → 8-bit storage (the levels fit exactly; signed levels are
 * offset by {@code 2^(bits-1)} together with their zero point). Per group, the group size is the
 * {@code block_size} and must be a power of two from 16 to 256 along K (the input features); per
 * channel or per tensor the scale is repeated over blocks of {@code min(128, next power of two ≥ K)}.
 *
 * <p>Accuracy level: 0 leaves it unset (ORT computes in float); 1 = fp32, 4 = int8 compute (A is
 * quantized per block on the fly: faster, not bit-faithful).
 */
public final class MatMulNBitsRewriter implements QuantRewriter {
    /** The contrib operator domain. */
    public static final String DOMAIN = "com.microsoft";
    private static final int DEFAULT_BLOCK = 128;

    private final int accuracyLevel;

    private MatMulNBitsRewriter(int accuracyLevel) {
        this.accuracyLevel = accuracyLevel;
    }

    /** Accuracy level unset. */
    public static MatMulNBitsRewriter defaults() {
        return new MatMulNBitsRewriter(0);
    }

    /** {@code accuracy_level} of the written nodes: 0 (unset) to 4 (int8 compute). */
    public MatMulNBitsRewriter withAccuracyLevel(int level) {
        checkAccuracyLevel(level);
        return new MatMulNBitsRewriter(level);
    }

    static void checkAccuracyLevel(int level) {
        if (level < 0 || level > 4) {
            throw new UserException("MatMulNBits accuracy level must be 0 (unset), 1 (fp32), 2 (fp16), 3 (bf16) or"
                    + " 4 (int8), not " + level);
        }
    }

    @Override
    public String format() {
        return "matmulnbits";
    }

    /**
     * Rewrites a plan of weights only, every one of which must fit MatMulNBits.
     *
     * @throws UserException naming the first entry that does not fit, and why
     */
    @Override
    public Model rewrite(Model model, List<TensorQuantization> plan, Map<String, String> metadata) {
        Model m = model.copy();
        Graph g = m.graph();
        List<Target> targets = Target.resolve(g, plan);
        for (Target t : targets) {
            whyNot(g, t).ifPresent(reason -> {
                throw new UserException("'" + t.tensor() + "' cannot be written as MatMulNBits: " + reason);
            });
        }
        apply(m, targets, accuracyLevel);
        for (Target t : targets) {
            Target.dropIfUnused(g, t.tensor());
        }
        g.sortTopologically();
        RewriteMetadata.write(m, format(), plan, metadata);
        return m;
    }

    /** Why an entry cannot become MatMulNBits, or empty when it can. */
    static Optional<String> whyNot(Graph g, Target t) {
        if (!t.isWeight()) {
            return Optional.of("MatMulNBits quantizes weights only; write activations as QDQ");
        }
        UniformParams p = t.params();
        int bits = p.spec().bits();
        if (bits > 8) {
            return Optional.of("it has " + bits + " bits; MatMulNBits stores 2, 4 or 8");
        }
        long[] dims = t.constant().dims();
        if (dims.length != 2) {
            return Optional.of("it is not a 2-D weight");
        }
        if (t.constant().type() != DataType.FLOAT) {
            return Optional.of("it is " + t.constant().type() + ", not float");
        }
        int kAxis = -1;
        for (Node n : t.consumers()) {
            Optional<String> problem = consumerProblem(g, n, t.tensor(), dims);
            if (problem.isPresent()) {
                return problem;
            }
            int axis = n.is("Gemm") && n.intAttr("transB", 0) == 1 ? 1 : 0;
            if (kAxis >= 0 && axis != kAxis) {
                return Optional.of("its consumers read it in different orientations");
            }
            kAxis = axis;
        }
        Granularity gr = p.spec().granularity();
        if (gr != Granularity.PER_TENSOR && t.axis(2) != 1 - kAxis) {
            return Optional.of("its channel axis is " + p.axis() + ", but MatMulNBits needs the output-feature axis "
                    + (1 - kAxis) + " (groups along the input features)");
        }
        if (gr == Granularity.PER_GROUP) {
            int gs = p.spec().groupSize();
            if (gs < 16 || gs > 256 || Integer.bitCount(gs) != 1) {
                return Optional.of("its group size is " + gs + "; MatMulNBits needs a power of two from 16 to 256");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> consumerProblem(Graph g, Node n, String w, long[] dims) {
        if (!n.input(1).equals(w) || n.input(0).equals(w)) {
            return Optional.of(n.opType() + " '" + n.name() + "' does not read it as its right-hand operand");
        }
        if (n.is("MatMul")) {
            return Optional.empty();
        }
        if (!n.is("Gemm")) {
            return Optional.of("it feeds " + n.opType() + " '" + n.name() + "', not a MatMul or Gemm");
        }
        if (n.intAttr("transA", 0) != 0 || n.floatAttr("alpha", 1f) != 1f
                || !n.input(2).isEmpty() && n.floatAttr("beta", 1f) != 1f) {
            return Optional.of("Gemm '" + n.name() + "' has transA, alpha or beta");
        }
        if (!n.input(2).isEmpty()) {
            long outFeatures = n.intAttr("transB", 0) == 1 ? dims[0] : dims[1];
            Optional<Tensor> c = g.constant(n.input(2));
            if (c.isEmpty() || c.get().rank() != 1 || c.get().dim(0) != outFeatures || c.get().type() != DataType.FLOAT) {
                return Optional.of("Gemm '" + n.name() + "' has a bias other than a constant float [" + outFeatures + "]");
            }
        }
        return Optional.empty();
    }

    /** The storage width MatMulNBits uses for a quantizer of {@code bits}. */
    static int storageBits(int bits) {
        return bits <= 2 ? 2 : bits <= 4 ? 4 : 8;
    }

    /** The block size for a quantizer on a weight with {@code k} input features. */
    static int blockSize(UniformParams p, long k) {
        if (p.spec().granularity() == Granularity.PER_GROUP) {
            return p.spec().groupSize();
        }
        int b = 16;
        while (b < k && b < DEFAULT_BLOCK) {
            b *= 2;
        }
        return b;
    }

    /** Replaces the consumers of each (eligible, see {@link #whyNot}) weight by MatMulNBits nodes. */
    static void apply(Model m, List<Target> targets, int accuracyLevel) {
        if (targets.isEmpty()) {
            return;
        }
        Graph g = m.graph();
        for (Target t : targets) {
            write(g, t, accuracyLevel);
        }
        m.setOpset(DOMAIN, Math.max(1, m.opsets().getOrDefault(DOMAIN, 1L)));
    }

    private static void write(Graph g, Target t, int accuracyLevel) {
        UniformParams p = t.params();
        Tensor w = t.constant();
        long[] dims = w.dims();
        boolean outIn = t.consumers().get(0).is("Gemm") && t.consumers().get(0).intAttr("transB", 0) == 1;
        int n = (int) (outIn ? dims[0] : dims[1]);
        int k = (int) (outIn ? dims[1] : dims[0]);
        int bits = storageBits(p.spec().bits());
        int offset = p.spec().signed() ? 1 << (bits - 1) : 0;
        int block = blockSize(p, k);
        int kBlocks = MatMulNBitsPacking.blocks(k, block);
        int groupSize = p.spec().groupSize();
        int groups = p.spec().granularity() == Granularity.PER_GROUP ? (k + groupSize - 1) / groupSize : 1;

        int[] levels = UniformQuantizer.quantize(w.toFloats(), dims, p);
        int[] values = new int[n * k];
        for (int row = 0; row < n; row++) {
            for (int kk = 0; kk < k; kk++) {
                values[row * k + kk] = levels[outIn ? row * k + kk : kk * n + row] + offset;
            }
        }
        float[] scale = p.scale();
        int[] zp = p.zeroPoint();
        float[] scales = new float[n * kBlocks];
        int[] zeroPoints = new int[n * kBlocks];
        boolean defaultZeroPoints = true;
        for (int row = 0; row < n; row++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int j = switch (p.spec().granularity()) {
                    case PER_TENSOR -> 0;
                    case PER_CHANNEL -> p.count() == 1 ? 0 : row;
                    case PER_GROUP -> row * groups + kb;
                };
                scales[row * kBlocks + kb] = scale[j];
                zeroPoints[row * kBlocks + kb] = zp[j] + offset;
                defaultZeroPoints &= zp[j] + offset == 1 << (bits - 1);
            }
        }
        int blob = block * bits / 8;
        String base = t.tensor();
        String b = QdqRewriter.put(g, base + "/quantized", name -> Tensor.ofRaw(name, DataType.UINT8,
                new long[] {n, kBlocks, blob}, MatMulNBitsPacking.packB(values, n, k, bits, block, zeroPoints)));
        String s = QdqRewriter.put(g, base + "/scale", name -> Tensor.ofFloats(name, new long[] {(long) n * kBlocks}, scales));
        String z = defaultZeroPoints ? "" : QdqRewriter.put(g, base + "/zero_point", name -> Tensor.ofRaw(name,
                DataType.UINT8, new long[] {(long) n * ((kBlocks * bits + 7) / 8)},
                MatMulNBitsPacking.packZeroPoints(zeroPoints, n, kBlocks, bits)));

        for (Node consumer : t.consumers()) {
            List<String> inputs = new ArrayList<>(List.of(consumer.input(0), b, s, z));
            if (consumer.is("Gemm") && !consumer.input(2).isEmpty()) {
                inputs.add(""); // g_idx
                inputs.add(consumer.input(2)); // bias
            }
            while (inputs.get(inputs.size() - 1).isEmpty()) {
                inputs.remove(inputs.size() - 1);
            }
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            attrs.put("K", Attribute.of("K", (long) k));
            attrs.put("N", Attribute.of("N", (long) n));
            attrs.put("bits", Attribute.of("bits", (long) bits));
            attrs.put("block_size", Attribute.of("block_size", (long) block));
            if (accuracyLevel > 0) {
                attrs.put("accuracy_level", Attribute.of("accuracy_level", (long) accuracyLevel));
            }
            Node nbits = new Node(consumer.name(), "MatMulNBits", DOMAIN, inputs, consumer.outputs(), attrs);
            nbits.setDocString("was " + consumer.opType() + " on " + base);
            g.addNodeAfter(consumer, nbits);
            g.removeNode(consumer);
        }
    }
}
