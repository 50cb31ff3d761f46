package io.vitshrink.prune.weights;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.vit.Linear;

/**
 * Reads and writes the weight of a Linear as a row-major {@code [out, in]} matrix, whatever layout
 * the exporter stored ({@code [in, out]} for MatMul, {@code [out, in]} for Gemm with transB or for a
 * MatMul reading its weight through a Transpose).
 */
public final class LinearWeights {

    private LinearWeights() {
    }

    /** Whether the stored initializer is {@code [out, in]}. */
    public static boolean storedOutIn(Graph g, Linear l) {
        boolean throughTranspose = !l.node().input(1).equals(l.weight());
        return l.weightOutInLayout() != throughTranspose;
    }

    public static float[] read(Graph g, Linear l) {
        Tensor t = g.initializer(l.weight()).orElseThrow(() -> new UserException("the weight of Linear '" + l.name()
                + "' is not an initializer (a Constant node or a computed value); vitshrink prunes initializer weights only"));
        if (t.rank() != 2) {
            throw new UserException("the weight '" + l.weight() + "' of '" + l.name() + "' is not a matrix");
        }
        if (!l.node().input(1).equals(l.weight())) {
            Node p = g.producer(l.node().input(1)).orElse(null);
            if (p == null || !p.is("Transpose")) {
                throw new UserException("the weight of '" + l.name() + "' goes through a " + (p == null ? "value" : p.opType())
                        + " vitshrink cannot edit; only a direct initializer or a Transpose of one is supported");
            }
        }
        float[] stored = t.toFloats();
        int out = (int) l.outFeatures();
        int in = (int) l.inFeatures();
        return storedOutIn(g, l) ? stored : transpose(stored, in, out);
    }

    /** Replaces the weight with {@code w} ({@code [out, in]}, may have other sizes than before). */
    public static void write(Graph g, Linear l, float[] w, int out, int in) {
        boolean outIn = storedOutIn(g, l);
        float[] stored = outIn ? w : transpose(w, out, in);
        long[] dims = outIn ? new long[] {out, in} : new long[] {in, out};
        g.replaceInitializer(l.weight(), Tensor.ofFloats(l.weight(), dims, stored));
    }

    /** Transposes a row-major {@code rows × cols} matrix. */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
