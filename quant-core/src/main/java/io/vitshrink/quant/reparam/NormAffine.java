package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.vit.LayerNorm;
import java.util.Arrays;
import java.util.List;

/**
 * Where a LayerNorm's gamma and beta sit in the current graph: inputs 1 and 2 of a
 * {@code LayerNormalization} node, or the constant operands of the trailing Mul and Add of the
 * decomposed form. Found from the output value backwards, so earlier edits (renamed, duplicated
 * constants) are seen.
 */
final class NormAffine {
    private final LayerNorm norm;
    private final int channels;
    /** The LayerNormalization node, or null when decomposed. */
    private final Node fused;
    private final Node mul;
    private final int mulConst;
    private final Node add;
    private final int addConst;

    private NormAffine(LayerNorm norm, int channels, Node fused, Node mul, int mulConst, Node add, int addConst) {
        this.norm = norm;
        this.channels = channels;
        this.fused = fused;
        this.mul = mul;
        this.mulConst = mulConst;
        this.add = add;
        this.addConst = addConst;
    }

    /**
     * @throws UserException when the affine cannot be edited (not float32, wrong size, not constant)
     */
    static NormAffine locate(Graph g, LayerNorm ln, int channels) {
        String out = ln.output();
        if (g.isGraphOutput(out)) {
            throw new UserException("'" + out + "' is a graph output");
        }
        Node p = g.producer(out).orElseThrow(() -> new UserException("no node writes '" + out + "'"));
        NormAffine a;
        if (p.is("LayerNormalization")) {
            if (p.outputs().size() > 1 && p.outputs().subList(1, p.outputs().size()).stream().anyMatch(o -> !o.isEmpty()
                    && !g.consumers(o).isEmpty())) {
                throw new UserException("LayerNormalization '" + p.name() + "' has its mean / inverse-std outputs read");
            }
            a = new NormAffine(ln, channels, p, null, -1, null, -1);
        } else if (!ln.decomposed()) {
            throw new UserException("'" + out + "' is not written by a LayerNormalization node any more");
        } else {
            Node add = null;
            int addConst = -1;
            Node cur = p;
            int k = constOperand(g, cur, "Add");
            if (k >= 0) {
                add = cur;
                addConst = k;
                cur = g.producer(cur.input(1 - k)).orElse(null);
            }
            Node mul = null;
            int mulConst = -1;
            k = constOperand(g, cur, "Mul");
            if (k >= 0 && (add == null || g.consumers(cur.output(0)).size() == 1)) {
                mul = cur;
                mulConst = k;
            }
            a = new NormAffine(ln, channels, null, mul, mulConst, add, addConst);
        }
        a.gamma(g);
        a.beta(g);
        return a;
    }

    /** Index of the constant operand of a binary {@code type} node with exactly one constant operand, else -1. */
    private static int constOperand(Graph g, Node n, String type) {
        if (n == null || !n.is(type) || n.inputs().size() != 2) {
            return -1;
        }
        boolean c0 = g.constant(n.input(0)).isPresent();
        boolean c1 = g.constant(n.input(1)).isPresent();
        return c0 == c1 ? -1 : c0 ? 0 : 1;
    }

    /** Current gamma per channel, or null when there is none. */
    float[] gamma(Graph g) {
        if (fused != null) {
            return values(g, fused.input(1), "gamma");
        }
        return mul == null ? null : values(g, mul.input(mulConst), "gamma");
    }

    float[] beta(Graph g) {
        if (fused != null) {
            return fused.input(2).isEmpty() ? null : values(g, fused.input(2), "beta");
        }
        return add == null ? null : values(g, add.input(addConst), "beta");
    }

    private float[] values(Graph g, String value, String what) {
        Tensor t = g.constant(value).orElseThrow(() -> new UserException("the " + what + " '" + value + "' of '"
                + norm.output() + "' is not a constant"));
        if (t.type() != DataType.FLOAT) {
            throw new UserException("the " + what + " of '" + norm.output() + "' is " + t.type() + "; only float32 is edited");
        }
        float[] v = t.toFloats();
        if (v.length == channels) {
            return v;
        }
        if (v.length == 1) {
            float[] e = new float[channels];
            Arrays.fill(e, v[0]);
            return e;
        }
        throw new UserException("the " + what + " of '" + norm.output() + "' has shape " + Arrays.toString(t.dims())
                + ", not one value per channel (" + channels + ")");
    }

    private long[] dimsOf(Graph g, String value) {
        Tensor t = g.constant(value).orElseThrow();
        return t.numel() == channels ? t.dims() : new long[] {channels};
    }

    /** gamma' = gamma / a, beta' = (beta - d) / a, adding what is missing. */
    void fold(Graph g, float[] a, float[] d) {
        boolean shifted = false;
        for (float x : d) {
            shifted |= x != 0f;
        }
        float[] gamma = gamma(g);
        float[] beta = beta(g);
        float[] ng = new float[channels];
        float[] nb = new float[channels];
        for (int c = 0; c < channels; c++) {
            ng[c] = (gamma == null ? 1f : gamma[c]) / a[c];
            nb[c] = (float) (((beta == null ? 0.0 : beta[c]) - d[c]) / a[c]);
        }
        String base = norm.output();
        if (fused != null) {
            Reparameterizations.writeInput(g, fused, 1, Tensor.ofFloats("", dimsOf(g, fused.input(1)), ng), base + "_gamma");
            if (beta != null) {
                Reparameterizations.writeInput(g, fused, 2, Tensor.ofFloats("", dimsOf(g, fused.input(2)), nb), base + "_beta");
            } else if (shifted) {
                Reparameterizations.writeInput(g, fused, 2, Tensor.ofFloats("", new long[] {channels}, nb),
                        base + "_reparam_beta");
            }
            return;
        }
        String out = norm.output();
        if (mul != null) {
            Reparameterizations.writeInput(g, mul, mulConst, Tensor.ofFloats("", dimsOf(g, mul.input(mulConst)), ng),
                    base + "_gamma");
        }
        if (add != null) {
            Reparameterizations.writeInput(g, add, addConst, Tensor.ofFloats("", dimsOf(g, add.input(addConst)), nb),
                    base + "_beta");
        }
        if (mul == null) {
            // Insert Mul(gamma') where it belongs: before the beta Add, or at the end.
            String gammaName = g.uniqueName(base + "_reparam_gamma");
            g.putInitializer(Tensor.ofFloats(gammaName, new long[] {channels}, ng));
            if (add != null) {
                String v = add.input(1 - addConst);
                Node before = g.producer(v).orElse(null);
                String fresh = g.uniqueName(v + "_reparam_scaled");
                Node m = new Node(g.uniqueName(add.name() + "/reparam_gamma_mul"), "Mul", List.of(v, gammaName),
                        List.of(fresh));
                if (before != null) {
                    g.addNodeAfter(before, m);
                } else {
                    g.addNode(m);
                }
                g.setNodeInput(add, 1 - addConst, fresh);
            } else {
                Node last = g.producer(out).orElseThrow();
                String fresh = g.uniqueName(out + "_reparam_normed");
                g.setNodeOutput(last, last.outputs().indexOf(out), fresh);
                Node m = new Node(g.uniqueName(last.name() + "/reparam_gamma_mul"), "Mul", List.of(fresh, gammaName),
                        List.of(out));
                g.addNodeAfter(last, m);
            }
        }
        if (add == null && shifted) {
            String betaName = g.uniqueName(base + "_reparam_beta");
            g.putInitializer(Tensor.ofFloats(betaName, new long[] {channels}, nb));
            Node last = g.producer(out).orElseThrow();
            String fresh = g.uniqueName(out + "_reparam_scaled");
            g.setNodeOutput(last, last.outputs().indexOf(out), fresh);
            Node b = new Node(g.uniqueName(last.name() + "/reparam_beta_add"), "Add", List.of(fresh, betaName),
                    List.of(out));
            g.addNodeAfter(last, b);
        }
    }
}
