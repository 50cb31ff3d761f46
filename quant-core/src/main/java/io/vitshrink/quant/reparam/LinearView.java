package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import java.util.Optional;

/**
 * A Linear's weight as its MatMul or Gemm node sees it (after a Transpose of a constant, if the export
 * wrote one), in that node's layout: {@code [in, out]} for MatMul and Gemm without transB,
 * {@code [out, in]} for Gemm with {@code transB = 1}.
 */
final class LinearView {
    final Node node;
    final boolean gemm;
    /** Whether the node-view weight is {@code [out, in]}. */
    final boolean outIn;
    final int in;
    final int out;
    /** The weight values in the node-view layout (a private copy). */
    final float[] weight;

    private LinearView(Node node, boolean gemm, boolean outIn, int in, int out, float[] weight) {
        this.node = node;
        this.gemm = gemm;
        this.outIn = outIn;
        this.in = in;
        this.out = out;
        this.weight = weight;
    }

    /** The view of a Linear node, or an explanation of why it cannot be edited. */
    static LinearView of(Graph g, Node node) {
        boolean gemm = node.is("Gemm");
        if (!gemm && !node.is("MatMul")) {
            throw new UserException("node '" + node.name() + "' is a " + node.opType() + ", not a MatMul or Gemm Linear");
        }
        if (gemm && node.intAttr("transA", 0) != 0) {
            throw new UserException("Gemm '" + node.name() + "' has transA=1; reparameterization needs the activation as A");
        }
        Tensor w = nodeViewWeight(g, node.input(1)).orElseThrow(() -> new UserException("Linear '" + node.name()
                + "' has no constant weight (input '" + node.input(1) + "'); cannot reparameterize it"));
        if (w.type() != DataType.FLOAT || w.rank() != 2) {
            throw new UserException("Linear '" + node.name() + "' has a " + w.type() + " weight of rank " + w.rank()
                    + "; reparameterization edits float32 rank-2 weights only");
        }
        boolean outIn = gemm && node.intAttr("transB", 0) == 1;
        int d0 = Math.toIntExact(w.dim(0));
        int d1 = Math.toIntExact(w.dim(1));
        return new LinearView(node, gemm, outIn, outIn ? d1 : d0, outIn ? d0 : d1, w.toFloats());
    }

    /** The constant behind a weight input, transposed when it is a rank-2 Transpose of a constant. */
    static Optional<Tensor> nodeViewWeight(Graph g, String value) {
        Optional<Tensor> direct = g.constant(value);
        if (direct.isPresent()) {
            return direct;
        }
        Node p = g.producer(value).orElse(null);
        if (p == null || !p.is("Transpose")) {
            return Optional.empty();
        }
        long[] perm = p.intsAttr("perm");
        if (perm != null && !(perm.length == 2 && perm[0] == 1 && perm[1] == 0)) {
            return Optional.empty();
        }
        Tensor t = g.constant(p.input(0)).orElse(null);
        if (t == null || t.rank() != 2 || t.type() != DataType.FLOAT) {
            return Optional.empty();
        }
        int r = Math.toIntExact(t.dim(0));
        int c = Math.toIntExact(t.dim(1));
        float[] v = t.toFloats();
        float[] tr = new float[v.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                tr[j * r + i] = v[i * c + j];
            }
        }
        return Optional.of(Tensor.ofFloats(value, new long[] {c, r}, tr));
    }

    /** Index of element (input channel {@code c}, output {@code o}) in the node-view layout. */
    int index(int c, int o) {
        return outIn ? o * in + c : c * out + o;
    }

    long[] dims() {
        return outIn ? new long[] {out, in} : new long[] {in, out};
    }

    /** max over outputs of |W[c, o]|, per input channel, folded into {@code acc} by max. */
    void absMaxPerInput(float[] acc) {
        for (int c = 0; c < in; c++) {
            float m = acc[c];
            for (int o = 0; o < out; o++) {
                m = Math.max(m, Math.abs(weight[index(c, o)]));
            }
            acc[c] = m;
        }
    }
}
