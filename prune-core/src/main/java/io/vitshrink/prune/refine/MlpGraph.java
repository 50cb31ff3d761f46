package io.vitshrink.prune.refine;

import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * The MLP sub-block {@code fc2(GELU(fc1(x)))} (erf GELU) on token rows ({@code [tokens, in]}) or on
 * image batches ({@code [images, tokens, in]}), the weights stored {@code [in, out]}. Parameters:
 * fc1_w, fc1_b, fc2_w, fc2_b (with a prefix inside a {@link WindowGraph}). The backward pass uses
 * GELU'(h) = Φ(h) + h·φ(h).
 */
public final class MlpGraph {
    private MlpGraph() {
    }

    public static SubBlockGraph build(int in, int hidden, int out, boolean gradients) {
        SubBlockGraph.Writer w = new SubBlockGraph.Writer(2, 2);
        Pass pass = forward(w, SubBlockGraph.X, "", in, hidden, out);
        String dy = w.lossAndOutputGradient(pass.y());
        if (gradients) {
            pass.backward(dy, false);
        }
        return w.build();
    }

    /** Writes the forward pass on {@code x}; its parameters are declared as {@code prefix + "fc1_w"} and so on. */
    static Pass forward(SubBlockGraph.Writer w, String x, String prefix, int in, int hidden, int out) {
        OpWriter o = w.ops;
        String w1 = w.parameter(prefix + "fc1_w", in, hidden);
        String b1 = w.parameter(prefix + "fc1_b", hidden);
        String w2 = w.parameter(prefix + "fc2_w", hidden, out);
        String b2 = w.parameter(prefix + "fc2_b", out);
        String h = o.op("Add", List.of(o.op("MatMul", List.of(x, w1)), b1));
        String cdf = o.op("Mul", List.of(o.op("Add", List.of(o.op("Erf", List.of(o.op("Mul", List.of(h, o.float0((float) (1 / Math.sqrt(2))))))),
                o.float0(1f))), o.float0(0.5f)));
        String a = o.op("Mul", List.of(h, cdf));
        String y = o.op("Add", List.of(o.op("MatMul", List.of(a, w2)), b2));
        return new Pass(w, x, y, in, hidden, out, h, cdf, a, w1, b1, w2, b2);
    }

    /** One written forward pass and what its backward pass reads. */
    record Pass(SubBlockGraph.Writer w, String x, String y, int in, int hidden, int out, String preActivation, String cdf,
            String activation, String w1, String b1, String w2, String b2) {

        /** Writes the parameter gradients for {@code dy}; returns the gradient of {@code x} when asked, else null. */
        String backward(String dy, boolean inputGradient) {
            OpWriter o = w.ops;
            String h = preActivation;
            w.linearGradients(w2, b2, w.rows(activation, hidden), w.rows(dy, out));
            String da = o.op("MatMul", List.of(dy, w.transpose2(w2)));
            String pdf = o.op("Mul", List.of(o.op("Exp", List.of(o.op("Mul", List.of(o.op("Mul", List.of(h, h)), o.float0(-0.5f))))),
                    o.float0((float) (1 / Math.sqrt(2 * Math.PI)))));
            String slope = o.op("Add", List.of(cdf, o.op("Mul", List.of(h, pdf))));
            String dh = o.op("Mul", List.of(da, slope));
            w.linearGradients(w1, b1, w.rows(x, in), w.rows(dh, hidden));
            return inputGradient ? o.op("MatMul", List.of(dh, w.transpose2(w1))) : null;
        }
    }
}
