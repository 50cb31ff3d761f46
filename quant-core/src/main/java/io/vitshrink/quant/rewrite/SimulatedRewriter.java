package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.quantizers.UniformQuantizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fake quantization for any bit width 2–16, in plain float ONNX ops: what no runtime executes
 * natively, measured by the same engine as everything else. The results are bit-identical to
 * {@link UniformQuantizer#fakeQuantize}.
 *
 * <ul>
 *   <li>A weight is replaced by its fake-quantized float values: in place (same name) when every reader
 *       goes through the quantizer, else as a new initializer {@code <w>/fake_quantized} for the listed
 *       consumers.</li>
 *   <li>An activation gets {@code Div(scale) → Round → Add(zero point) → Clip(qmin, qmax) → Sub(zero
 *       point) → Mul(scale)} (nodes {@code <t>/fake_quant/Div} …, output {@code <t>/fake_quantized}) on
 *       the edges to the listed consumers. ONNX {@code Round} rounds half to even like {@code Math.rint},
 *       and the float32 division is the reference's, so the values match bit for bit. When a zero point
 *       is 0 the integer grid is written shifted ({@code <t>/shifted_zero_point}, Clip bounds moved by
 *       the same amount; see {@link #gridOffset}) so that ONNX Runtime cannot drop the Add/Sub and leak
 *       a -0.0 where the reference has +0.0. Parameters are scalars (per tensor) or broadcast along the
 *       channel axis, so any batch size runs.</li>
 * </ul>
 *
 * Needs opset 11 ({@code Round}, {@code Clip} with inputs).
 */
public final class SimulatedRewriter implements QuantRewriter {

    private SimulatedRewriter() {
    }

    public static SimulatedRewriter defaults() {
        return new SimulatedRewriter();
    }

    @Override
    public String format() {
        return "simulated";
    }

    @Override
    public Model rewrite(Model model, List<TensorQuantization> plan, Map<String, String> metadata) {
        if (model.opset() < 11) {
            throw new UserException("simulated quantization needs opset 11 or newer (Round, Clip with inputs); the"
                    + " model is at opset " + model.opset() + ": re-export it at opset 13 or newer");
        }
        Model m = model.copy();
        Graph g = m.graph();
        List<Target> targets = Target.resolve(g, plan);
        for (Target t : targets) {
            if (t.isWeight() && t.constant().type() != DataType.FLOAT) {
                throw new UserException("weight '" + t.tensor() + "' is " + t.constant().type()
                        + "; simulated quantization writes float32 weights only");
            }
            if (!t.isWeight() && t.params().spec().granularity() == Granularity.PER_CHANNEL && t.params().count() > 1) {
                paramShape(g, t); // refuses before any edit
            }
        }
        for (Target t : targets) {
            if (t.isWeight()) {
                writeWeight(g, t);
            } else {
                writeActivation(g, t);
            }
        }
        g.sortTopologically();
        RewriteMetadata.write(m, format(), plan, metadata);
        return m;
    }

    private static void writeWeight(Graph g, Target t) {
        Tensor w = t.constant();
        long[] dims = w.dims();
        float[] fq = UniformQuantizer.fakeQuantize(w.toFloats(), dims, t.params());
        String name = t.tensor();
        boolean everyReader = g.consumers(name).size() == t.consumers().size() && !g.isGraphOutput(name);
        if (everyReader && g.isInitializer(name)) {
            g.replaceInitializer(name, Tensor.ofFloats(name, dims, fq));
            return;
        }
        String fresh = QdqRewriter.put(g, name + "/fake_quantized", n -> Tensor.ofFloats(n, dims, fq));
        t.redirect(g, fresh);
        Target.dropIfUnused(g, name);
    }

    private static void writeActivation(Graph g, Target t) {
        UniformParams p = t.params();
        String base = t.tensor();
        long[] shape = p.count() == 1 ? new long[0] : paramShape(g, t);
        int n = p.count() == 1 ? 1 : p.count();
        int[] zpInt = p.zeroPoint();
        int offset = gridOffset(p);
        float[] scale = Arrays.copyOf(p.scale(), n);
        float[] zp = new float[n];
        for (int i = 0; i < n; i++) {
            zp[i] = zpInt[i] + offset;
        }
        String zpName = offset == 0 ? base + "/zero_point" : base + "/shifted_zero_point";
        String s = QdqRewriter.put(g, base + "/scale", name -> Tensor.ofFloats(name, shape, scale));
        String z = QdqRewriter.put(g, zpName, name -> Tensor.ofFloats(name, shape, zp));
        String lo = QdqRewriter.put(g, base + "/qmin", name -> Tensor.scalar(name, p.spec().qmin() + offset));
        String hi = QdqRewriter.put(g, base + "/qmax", name -> Tensor.scalar(name, p.spec().qmax() + offset));

        String prefix = base + "/fake_quant/";
        Node anchor = g.producer(base).orElse(null);
        String scaled = chain(g, anchor, prefix + "Div", "Div", List.of(base, s), prefix + "scaled");
        String rounded = chain(g, g.producer(scaled).orElseThrow(), prefix + "Round", "Round", List.of(scaled), prefix + "rounded");
        String shifted = chain(g, g.producer(rounded).orElseThrow(), prefix + "Add", "Add", List.of(rounded, z), prefix + "shifted");
        String clipped = chain(g, g.producer(shifted).orElseThrow(), prefix + "Clip", "Clip", List.of(shifted, lo, hi), prefix + "clipped");
        String centered = chain(g, g.producer(clipped).orElseThrow(), prefix + "Sub", "Sub", List.of(clipped, z), prefix + "centered");
        String out = g.uniqueName(base + "/fake_quantized");
        Node mul = new Node(g.uniqueName(prefix + "Mul"), "Mul", List.of(centered, s), List.of(out));
        if (offset != 0) {
            g.producer(shifted).orElseThrow().setDocString("integer levels offset by " + offset
                    + " so that this Add is never a no-op ONNX Runtime removes (which would let -0.0 through)");
        }
        g.addNodeAfter(g.producer(centered).orElseThrow(), mul);
        t.redirect(g, out);
    }

    /**
     * The offset added to the integer grid in the ONNX form: 0 when no zero point is 0, else the
     * smallest of {@code -qmin} (a signed grid written as its unsigned twin) and {@code 2^bits - qmin}
     * that makes every shifted zero point non-zero.
     *
     * <p>Why: ONNX Runtime's NoopElimination removes {@code Add}/{@code Sub} of a scalar 0. The
     * reference computes {@code (q - zp) · scale} in integers, which gives +0.0 for a value that rounds
     * to zero from below; without the Add, ORT passes Round's -0.0 through. With a non-zero shifted
     * zero point {@code zp + c}, {@code round(v) + zp + c} is exact for every level (all below 2^24),
     * Clip's bounds shift by the same {@code c}, and {@code clipped - (zp + c)} is exactly
     * {@code q - zp}, with +0.0 for zero: bit-identical to the reference.
     */
    static int gridOffset(UniformParams p) {
        int qmin = p.spec().qmin();
        for (int c : new int[] {0, -qmin, (1 << p.spec().bits()) - qmin}) {
            boolean nonZero = true;
            for (int z : p.zeroPoint()) {
                nonZero &= z + c != 0;
            }
            if (nonZero) {
                return c;
            }
        }
        throw new IllegalStateException("unreachable: zero points are at least qmin");
    }

    private static String chain(Graph g, Node anchor, String nodeName, String op, List<String> inputs, String output) {
        String out = g.uniqueName(output);
        Node n = new Node(g.uniqueName(nodeName), op, inputs, List.of(out));
        g.addNodeAfter(anchor, n);
        return out;
    }

    /**
     * The broadcast shape of per-channel activation parameters: {@code [C, 1, …, 1]} with one trailing 1
     * per axis after the channel axis.
     */
    private static long[] paramShape(Graph g, Target t) {
        int axis = t.params().axis();
        int trailing;
        if (axis < 0) {
            trailing = -axis - 1;
        } else {
            int rank = declaredRank(g, t.tensor());
            if (rank < 0) {
                throw new UserException("activation '" + t.tensor() + "' is quantized per channel on axis " + axis
                        + ", but the model does not declare its rank; give the axis from the end (e.g. -1)");
            }
            trailing = rank - axis - 1;
        }
        long[] shape = new long[1 + trailing];
        Arrays.fill(shape, 1);
        shape[0] = t.params().count();
        return shape;
    }

    private static int declaredRank(Graph g, String value) {
        ValueInfo vi = g.valueInfos().get(value);
        if (vi == null) {
            vi = g.inputs().stream().filter(v -> v.name().equals(value)).findFirst().orElse(null);
        }
        if (vi == null) {
            vi = g.outputs().stream().filter(v -> v.name().equals(value)).findFirst().orElse(null);
        }
        return vi != null && vi.hasShape() ? vi.shape().size() : -1;
    }
}
