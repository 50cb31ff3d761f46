package io.vitshrink.prune.refine;

import io.vitshrink.prune.tokens.OpWriter;
import java.util.List;

/**
 * The MLP sub-block {@code fc2(GELU(fc1(x)))} (erf GELU) on token rows: {@code x} is
 * {@code [tokens, in]}, the weights are stored {@code [in, out]}. Parameters: fc1_w, fc1_b, fc2_w,
 * fc2_b. The backward pass uses GELU'(h) = Φ(h) + h·φ(h).
 */
public final class MlpGraph {
    private MlpGraph() {
    }

    public static SubBlockGraph build(int in, int hidden, int out, boolean gradients) {
        SubBlockGraph.Writer w = new SubBlockGraph.Writer(2, 2);
        OpWriter o = w.ops;
        String w1 = w.parameter("fc1_w", in, hidden);
        String b1 = w.parameter("fc1_b", hidden);
        String w2 = w.parameter("fc2_w", hidden, out);
        String b2 = w.parameter("fc2_b", out);
        String h = o.op("Add", List.of(o.op("MatMul", List.of(SubBlockGraph.X, w1)), b1));
        String cdf = o.op("Mul", List.of(o.op("Add", List.of(o.op("Erf", List.of(o.op("Mul", List.of(h, o.float0((float) (1 / Math.sqrt(2)))))) ),
                o.float0(1f))), o.float0(0.5f)));
        String a = o.op("Mul", List.of(h, cdf));
        String y = o.op("Add", List.of(o.op("MatMul", List.of(a, w2)), b2));
        String dy = w.lossAndOutputGradient(y);
        if (gradients) {
            w.linearGradients(w2, b2, a, dy);
            String da = o.op("MatMul", List.of(dy, w.transpose2(w2)));
            String pdf = o.op("Mul", List.of(o.op("Exp", List.of(o.op("Mul", List.of(o.op("Mul", List.of(h, h)), o.float0(-0.5f))))),
                    o.float0((float) (1 / Math.sqrt(2 * Math.PI)))));
            String slope = o.op("Add", List.of(cdf, o.op("Mul", List.of(h, pdf))));
            String dh = o.op("Mul", List.of(da, slope));
            w.linearGradients(w1, b1, SubBlockGraph.X, dh);
        }
        return w.build();
    }
}
