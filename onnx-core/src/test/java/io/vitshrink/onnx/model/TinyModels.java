package io.vitshrink.onnx.model;

import java.util.List;
import java.util.Map;

/**
 * Small models built with the model API for the io and model tests: x [batch, in] float →
 * MatMul(W [in, out]) → Add(b [out]) → Relu → y, plus its reference computed by hand.
 */
public final class TinyModels {
    public static final int IR = 8;
    public static final long OPSET = 17;

    private TinyModels() {
    }

    /** The 3-node MLP with a 4 → 3 weight. */
    public static Model mlp() {
        return mlp(4, 3);
    }

    /** The 3-node MLP x·W + b → Relu with deterministic weights. */
    public static Model mlp(int in, int out) {
        Graph g = new Graph("tiny_mlp");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(in))));
        g.addOutput(new ValueInfo("y", DataType.FLOAT, List.of(Dim.symbolic("batch"), Dim.of(out))));
        g.putInitializer(Tensor.ofFloats("W", new long[] {in, out}, weights(in, out)));
        g.putInitializer(Tensor.ofFloats("b", new long[] {out}, bias(out)));
        g.addNode(new Node("matmul", "MatMul", List.of("x", "W"), List.of("h")));
        g.addNode(new Node("add", "Add", List.of("h", "b"), List.of("z")));
        g.addNode(new Node("relu", "Relu", List.of("z"), List.of("y")));
        return new Model(IR, Map.of("", OPSET), g);
    }

    public static float[] weights(int in, int out) {
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = ((i * 37 % 17) - 8) / 8f;
        }
        return w;
    }

    public static float[] bias(int out) {
        float[] b = new float[out];
        for (int i = 0; i < out; i++) {
            b[i] = (i % 3 - 1) * 0.25f;
        }
        return b;
    }

    /** An input batch [batch, in] with both signs. */
    public static float[] input(int batch, int in) {
        float[] x = new float[batch * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7 + 0.3) * 2;
        }
        return x;
    }

    /** x·W, computed by hand. */
    public static float[] matmul(float[] x, float[] w, int batch, int in, int out) {
        float[] h = new float[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int c = 0; c < out; c++) {
                float s = 0;
                for (int k = 0; k < in; k++) {
                    s += x[r * in + k] * w[k * out + c];
                }
                h[r * out + c] = s;
            }
        }
        return h;
    }

    /** relu(x·W + b), computed by hand. */
    public static float[] reference(float[] x, int batch, int in, int out) {
        float[] h = matmul(x, weights(in, out), batch, in, out);
        float[] b = bias(out);
        for (int i = 0; i < h.length; i++) {
            h[i] = Math.max(0, h[i] + b[i % out]);
        }
        return h;
    }
}
