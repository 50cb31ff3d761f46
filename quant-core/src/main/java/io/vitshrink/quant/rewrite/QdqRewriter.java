package io.vitshrink.quant.rewrite;

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
import io.vitshrink.quant.quantizers.UniformSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployable export: QDQ ONNX that ONNX Runtime fuses into integer kernels.
 *
 * <ul>
 *   <li>A weight becomes {@code <w>/quantized} (int8/uint8; int4/uint4 for 2–4 bits), {@code <w>/scale}
 *       (float) and {@code <w>/zero_point} (same integer type), read by one {@code DequantizeLinear}
 *       {@code <w>/DequantizeLinear} whose output {@code <w>/dequantized} replaces the weight for the
 *       listed consumers. Per channel it carries {@code axis}; per group it uses opset-21 blocked
 *       quantization ({@code axis} = the blocked input axis, {@code block_size} = the group size, scale
 *       and zero point of the weight's rank with that axis divided). The float weight is removed when
 *       nothing else reads it, so the file shrinks about 4× at 8 bits.</li>
 *   <li>An activation gets one {@code QuantizeLinear} {@code <t>/QuantizeLinear} and, per listed
 *       consumer, a {@code DequantizeLinear} {@code <consumer>/quant_in<i>} on that edge only: other
 *       readers (a residual Add) keep the float value. One dequantization per consumer is the layout
 *       ONNX Runtime's QDQ fusions select without first having to duplicate shared nodes.</li>
 * </ul>
 *
 * <p>Bits must fit an ONNX integer type: 8 (int8/uint8), 4 (int4/uint4; also 2–3-bit weights), 16
 * (int16/uint16). 5–7-bit quantization does not exist in QDQ and is refused with a pointer to
 * {@code --format simulated}. Per-axis int8 needs opset 13; int4, int16 and per-group need opset 21, to
 * which the model is raised with {@link OpsetUpgrade} when needed (recorded under
 * {@link RewriteMetadata#OPSET_UPGRADE}).
 *
 * <p>With {@link #withMatMulNBits(boolean)}, 2/4/8-bit weights that only feed MatMul (or a plain Gemm)
 * are written as {@code com.microsoft:MatMulNBits} instead ({@link MatMulNBitsRewriter}), which needs
 * no opset upgrade; the other entries are written as QDQ.
 *
 * <p>What ONNX Runtime 1.29 (CPU EP, {@code ORT_ENABLE_ALL}) makes of the default W8A8 layout, as the
 * optimized graph it writes shows (measured on the timm, Hugging Face and torchvision test-kit
 * exports): every MatMul whose inputs both come from DequantizeLinear becomes
 * {@code MatMulIntegerToFloat} (uint8 A, int8 per-column B, float output, bias Add folded in) — no
 * QuantizeLinear after the MatMul is needed; attn·V, whose output reaches the output projection's
 * QuantizeLinear through Transpose/Reshape, becomes {@code QLinearMatMul} (ORT moves that Q up); a Gemm becomes {@code QGemm} once its bias is int32 (hence
 * {@link #withGemmBiasQuantization}); no DequantizeLinear, float MatMul or Gemm is left. Two layout
 * choices are made for that: activations are uint8 ({@link #withUnsignedActivations}), and Gemm biases
 * are quantized.
 */
public final class QdqRewriter implements QuantRewriter {
    private final boolean matMulNBits;
    private final int accuracyLevel;
    private final boolean unsignedActivations;
    private final boolean gemmBias;

    private QdqRewriter(boolean matMulNBits, int accuracyLevel, boolean unsignedActivations, boolean gemmBias) {
        this.matMulNBits = matMulNBits;
        this.accuracyLevel = accuracyLevel;
        this.unsignedActivations = unsignedActivations;
        this.gemmBias = gemmBias;
    }

    /**
     * Every entry as QDQ, 8-bit activations as uint8, Gemm biases quantized to int32 where ONNX Runtime
     * needs it to fuse (see {@link #withUnsignedActivations} and {@link #withGemmBiasQuantization}).
     */
    public static QdqRewriter defaults() {
        return new QdqRewriter(false, 0, true, true);
    }

    /** Writes eligible 2/4/8-bit MatMul/Gemm weights as {@code MatMulNBits} instead of DequantizeLinear. */
    public QdqRewriter withMatMulNBits(boolean value) {
        return new QdqRewriter(value, accuracyLevel, unsignedActivations, gemmBias);
    }

    /** The {@code accuracy_level} of written MatMulNBits nodes (0 = unset, 1 = fp32 … 4 = int8 compute). */
    public QdqRewriter withAccuracyLevel(int level) {
        MatMulNBitsRewriter.checkAccuracyLevel(level);
        return new QdqRewriter(matMulNBits, level, unsignedActivations, gemmBias);
    }

    /**
     * Whether signed 8-bit activation quantizers are written as their exact uint8 twin (levels and zero
     * point + 128: {@code (q + 128) - (zp + 128) = q - zp}, so the values are unchanged). On by default:
     * ONNX Runtime 1.29's CPU QDQ fusions handle uint8 activations with int8 weights (U8S8) everywhere,
     * while with int8 activations some products stay float MatMuls (measured on the Hugging Face export:
     * the q/k/v projections that share one quantized input are left unfused).
     */
    public QdqRewriter withUnsignedActivations(boolean value) {
        return new QdqRewriter(matMulNBits, accuracyLevel, value, gemmBias);
    }

    /**
     * Whether the float bias of a Gemm whose input and weight are both quantized is quantized too: int32,
     * zero point 0, scale {@code input scale · weight scale} (per output channel), through a
     * DequantizeLinear. ONNX Runtime fuses a QDQ Gemm into {@code QGemm} only when every input comes from
     * a DequantizeLinear, so with a float bias the Gemm stays float. The rounding error is at most half
     * a product scale per output, far below the activation's own quantization error. On by default.
     */
    public QdqRewriter withGemmBiasQuantization(boolean value) {
        return new QdqRewriter(matMulNBits, accuracyLevel, unsignedActivations, value);
    }

    @Override
    public String format() {
        return matMulNBits ? "qdq+matmulnbits" : "qdq";
    }

    @Override
    public Model rewrite(Model model, List<TensorQuantization> plan, Map<String, String> metadata) {
        Model m = model.copy();
        Graph g = m.graph();
        List<Target> targets = Target.resolve(g, plan);
        List<Target> nbits = new ArrayList<>();
        List<Target> qdq = new ArrayList<>();
        for (Target t : targets) {
            boolean asNBits = matMulNBits && t.isWeight() && MatMulNBitsRewriter.whyNot(g, t).isEmpty();
            (asNBits ? nbits : qdq).add(t);
        }
        // every refusal before the first edit
        long needed = 0;
        for (Target t : qdq) {
            needed = Math.max(needed, QdqEncoding.requiredOpset(t.quantization()));
        }
        long from = m.opset();
        if (needed > from) {
            OpsetUpgrade.applyInPlace(m, needed);
            m.putMetadata(RewriteMetadata.OPSET_UPGRADE, from + "->" + needed);
        }
        // which inputs of which nodes now read a dequantized value, with the quantizer's parameters
        Map<Node, Map<Integer, UniformParams>> dequantized = new IdentityHashMap<>();
        for (Target t : qdq) {
            UniformParams p = !t.isWeight() && unsignedActivations ? unsignedTwin(t.params()) : t.params();
            for (Node n : t.consumers()) {
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (n.input(i).equals(t.tensor())) {
                        dequantized.computeIfAbsent(n, k -> new HashMap<>()).put(i, p);
                    }
                }
            }
            if (t.isWeight()) {
                writeWeight(g, t);
            } else {
                writeActivation(g, t, p);
            }
        }
        if (gemmBias) {
            dequantized.forEach((n, inputs) -> quantizeGemmBias(g, n, inputs));
        }
        MatMulNBitsRewriter.apply(m, nbits, accuracyLevel);
        for (Target t : targets) {
            if (t.isWeight()) {
                Target.dropIfUnused(g, t.tensor());
            }
        }
        g.sortTopologically();
        RewriteMetadata.write(m, qdq.isEmpty() && !nbits.isEmpty() ? "matmulnbits" : format(), plan, metadata);
        return m;
    }

    private static void writeWeight(Graph g, Target t) {
        DataType type = QdqEncoding.storageType(t.quantization());
        UniformParams p = t.params();
        Tensor w = t.constant();
        long[] dims = w.dims();
        int[] levels = UniformQuantizer.quantize(w.toFloats(), dims, p);
        QdqEncoding.Layout layout = QdqEncoding.layout(p, dims);
        String base = t.tensor();
        String q = put(g, base + "/quantized", name -> QdqEncoding.integers(name, type, dims, levels));
        String s = put(g, base + "/scale", name -> QdqEncoding.scale(name, p, layout));
        String z = put(g, base + "/zero_point", name -> QdqEncoding.zeroPoint(name, type, p, layout));
        String out = g.uniqueName(base + "/dequantized");
        Node dq = new Node(g.uniqueName(base + "/DequantizeLinear"), "DequantizeLinear", "", List.of(q, s, z),
                List.of(out), attributes(layout));
        g.addNode(dq);
        t.redirect(g, out);
    }

    private static void writeActivation(Graph g, Target t, UniformParams p) {
        DataType type = QdqEncoding.storageType(new TensorQuantization(t.tensor(), t.quantization().role(),
                t.quantization().consumers(), p));
        QdqEncoding.Layout layout = QdqEncoding.layout(p, null);
        String base = t.tensor();
        String s = put(g, base + "/scale", name -> QdqEncoding.scale(name, p, layout));
        String z = put(g, base + "/zero_point", name -> QdqEncoding.zeroPoint(name, type, p, layout));
        String quantized = g.uniqueName(base + "/quantized");
        Node q = new Node(g.uniqueName(base + "/QuantizeLinear"), "QuantizeLinear", "", List.of(base, s, z),
                List.of(quantized), attributes(layout));
        g.addNodeAfter(g.producer(base).orElse(null), q);
        for (Node consumer : t.consumers()) {
            String label = consumer.name().isEmpty() ? base + "/" + consumer.opType() : consumer.name();
            String name = g.uniqueName(label + "/quant_in" + t.inputIndex(consumer));
            Node dq = new Node(name, "DequantizeLinear", "", List.of(quantized, s, z), List.of(name), attributes(layout));
            g.addNodeAfter(q, dq);
            for (int i = 0; i < consumer.inputs().size(); i++) {
                if (consumer.input(i).equals(base)) {
                    g.setNodeInput(consumer, i, name);
                }
            }
        }
    }

    /** A signed 8-bit quantizer as the uint8 quantizer with the same values (levels and zero point + 128). */
    static UniformParams unsignedTwin(UniformParams p) {
        UniformSpec s = p.spec();
        if (!s.signed() || s.bits() != 8) {
            return p;
        }
        int[] zp = p.zeroPoint();
        for (int i = 0; i < zp.length; i++) {
            zp[i] += 128;
        }
        UniformSpec twin = new UniformSpec(8, false, s.symmetric(), s.granularity(), s.groupSize());
        return new UniformParams(twin, p.scale(), zp, p.axis());
    }

    /**
     * Quantizes the float bias of a Gemm whose input 0 (per tensor) and weight (per tensor, or per
     * channel on the output axis) are dequantized, so that ONNX Runtime can fuse it into QGemm.
     * Anything else is left as it is.
     */
    private static void quantizeGemmBias(Graph g, Node n, Map<Integer, UniformParams> inputs) {
        UniformParams a = inputs.get(0);
        UniformParams w = inputs.get(1);
        if (!n.is("Gemm") || a == null || w == null || n.input(2).isEmpty() || inputs.containsKey(2)
                || a.count() != 1 || n.floatAttr("beta", 1f) != 1f) {
            return;
        }
        Tensor bias = g.constant(n.input(2)).orElse(null);
        if (bias == null || bias.type() != DataType.FLOAT || bias.rank() != 1) {
            return;
        }
        int outAxis = n.intAttr("transB", 0) == 1 ? 0 : 1;
        boolean perChannel = w.count() > 1;
        if (w.spec().granularity() == Granularity.PER_GROUP || perChannel
                && ((w.axis() + 2) % 2 != outAxis || w.count() != bias.dim(0))) {
            return;
        }
        float[] b = bias.toFloats();
        float[] ws = w.scale();
        float[] scale = new float[perChannel ? b.length : 1];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = a.scale()[0] * ws[c];
            if (!(scale[c] > 0) || Float.isInfinite(scale[c])) {
                return;
            }
        }
        int[] q = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            double v = Math.rint(b[i] / scale[perChannel ? i : 0]);
            q[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        String base = n.input(2);
        long[] dims = bias.dims();
        long[] paramDims = perChannel ? new long[] {scale.length} : new long[0];
        String qn = put(g, base + "/quantized", name -> Tensor.ofInts(name, dims, q));
        String sn = put(g, base + "/scale", name -> Tensor.ofFloats(name, paramDims, scale));
        String zn = put(g, base + "/zero_point", name -> Tensor.ofInts(name, paramDims, new int[scale.length]));
        String out = g.uniqueName(base + "/dequantized");
        Map<String, Attribute> attrs = new java.util.LinkedHashMap<>();
        if (perChannel) {
            attrs.put("axis", Attribute.of("axis", 0L));
        }
        Node dq = new Node(g.uniqueName(base + "/DequantizeLinear"), "DequantizeLinear", "", List.of(qn, sn, zn),
                List.of(out), attrs);
        dq.setDocString("int32 bias with scale = input scale · weight scale, so that the Gemm fuses into QGemm");
        g.addNode(dq);
        g.setNodeInput(n, 2, out);
        Target.dropIfUnused(g, base);
    }

    private static Map<String, Attribute> attributes(QdqEncoding.Layout layout) {
        Map<String, Attribute> attrs = new java.util.LinkedHashMap<>();
        if (layout.axis() != null) {
            attrs.put("axis", Attribute.of("axis", layout.axis()));
        }
        if (layout.blockSize() > 0) {
            attrs.put("block_size", Attribute.of("block_size", layout.blockSize()));
        }
        return attrs;
    }

    /** Adds an initializer under a fresh name derived from {@code base}; returns the name. */
    static String put(Graph g, String base, java.util.function.Function<String, Tensor> make) {
        String name = g.uniqueName(base);
        g.putInitializer(make.apply(name));
        return name;
    }
}
