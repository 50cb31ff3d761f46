package io.vitshrink.quant;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which activation feeds each quantized Linear weight, for GPTQ's Gram matrices: a 2-D weight read as
 * the right operand of MatMul or as Gemm's B (transA = 0) by nodes that all read the same input. Other
 * weights (convolutions, a weight shared by products with different inputs) keep round-to-nearest.
 */
final class GptqInputs {
    private GptqInputs() {
    }

    /** weight name → input value name; notes what stays round-to-nearest. */
    static Map<String, String> find(Graph g, List<QuantTarget> targets, List<String> notes) {
        Map<String, String> out = new LinkedHashMap<>();
        int kept = 0;
        for (QuantTarget t : targets) {
            if (t.role() != TensorRole.WEIGHT) {
                continue;
            }
            String input = null;
            boolean ok = g.initializer(t.tensor()).map(w -> w.rank() == 2).orElse(false);
            for (String c : t.consumers()) {
                Node n = g.node(c).orElse(null);
                boolean linear = n != null && n.domain().isEmpty() && n.inputs().size() >= 2 && n.input(1).equals(t.tensor())
                        && (n.is("MatMul") || (n.is("Gemm") && n.intAttr("transA", 0) == 0))
                        && !g.isInitializer(n.input(0));
                if (!linear || (input != null && !input.equals(n.input(0)))) {
                    ok = false;
                    break;
                }
                input = n.input(0);
            }
            if (ok && input != null) {
                out.put(t.tensor(), input);
            } else {
                kept++;
            }
        }
        if (kept > 0) {
            notes.add("GPTQ: " + kept + " weight(s) that are not a Linear's (e.g. the patch convolution) are rounded to nearest");
        }
        return out;
    }

    /** Input features of a Linear weight (the axis that is not the output channel). */
    static int inFeatures(Graph g, String weight, List<QuantTarget> targets) {
        QuantTarget t = targets.stream().filter(x -> x.tensor().equals(weight) && x.role() == TensorRole.WEIGHT)
                .findFirst().orElseThrow();
        long[] dims = g.initializer(weight).orElseThrow().dims();
        return Math.toIntExact(dims[1 - t.channelAxis()]);
    }
}
