package io.vitshrink.quant.plan;

import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.cost.NodeCost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Costs of a quantized model derived from its float cost and its plan: BOPs with each product's
 * actual weight and input bit-widths (32 for what stays float). A product of two activations costs
 * MACs × the widths of both operands (they may differ in a mixed-precision plan).
 */
public final class PlanCost {

    private static final int FLOAT_BITS = 32;

    private PlanCost() {
    }

    public static long bops(ModelCost floatCost, QuantPlan plan) {
        Map<String, Integer> weightBits = new HashMap<>();
        Map<String, List<Integer>> inputBits = new HashMap<>();
        for (TensorQuantization t : plan.tensors()) {
            for (String consumer : t.consumers()) {
                if (t.role() == TensorRole.WEIGHT) {
                    weightBits.merge(consumer, t.bits(), Math::max);
                } else {
                    inputBits.computeIfAbsent(consumer, k -> new ArrayList<>()).add(t.bits());
                }
            }
        }
        long total = 0;
        for (NodeCost n : floatCost.nodes()) {
            List<Integer> in = inputBits.getOrDefault(n.node(), List.of());
            if (n.kind() == NodeCost.Kind.WEIGHT_PRODUCT) {
                int a = in.stream().mapToInt(Integer::intValue).max().orElse(FLOAT_BITS);
                total += n.macs() * weightBits.getOrDefault(n.node(), FLOAT_BITS) * a;
            } else if (n.kind() == NodeCost.Kind.ACTIVATION_PRODUCT) {
                int a0 = in.isEmpty() ? FLOAT_BITS : in.get(0);
                int a1 = in.size() > 1 ? in.get(1) : in.size() == 1 ? a0 : FLOAT_BITS;
                total += n.macs() * a0 * a1;
            }
        }
        return total;
    }
}
