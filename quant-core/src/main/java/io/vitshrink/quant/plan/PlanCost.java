package io.vitshrink.quant.plan;

import io.vitshrink.onnx.cost.ModelCost;
import java.util.HashMap;
import java.util.Map;

/**
 * Costs of a quantized model derived from its float cost and its plan: BOPs with each product's
 * actual weight and input bit-widths (32 for what stays float).
 */
public final class PlanCost {

    private PlanCost() {
    }

    public static long bops(ModelCost floatCost, QuantPlan plan) {
        Map<String, Integer> weightBits = new HashMap<>();
        Map<String, Integer> actBits = new HashMap<>();
        for (TensorQuantization t : plan.tensors()) {
            Map<String, Integer> target = t.role() == TensorRole.WEIGHT ? weightBits : actBits;
            for (String consumer : t.consumers()) {
                target.merge(consumer, t.bits(), Math::max);
            }
        }
        return floatCost.bops(n -> weightBits.getOrDefault(n, 32), n -> actBits.getOrDefault(n, 32));
    }
}
