package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.cost.ModelCost;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the units of a search from the quantization targets. */
public final class QuantUnits {

    private QuantUnits() {
    }

    /**
     * @param targets every quantized tensor (from {@link io.vitshrink.quant.Calibrated#targets()})
     * @param graph the model, for weight sizes
     * @param cost the model's cost, for the MACs of the products that read each activation
     */
    public static List<QuantUnit> of(List<QuantTarget> targets, Graph graph, ModelCost cost, UnitGrouping grouping) {
        Map<String, NodeCost> nodes = cost.byNode();
        Map<String, List<QuantTarget>> groups = new LinkedHashMap<>();
        for (QuantTarget t : targets) {
            String key = grouping == UnitGrouping.BLOCK && t.block() >= 0
                    ? "block" + t.block() + (t.role() == TensorRole.WEIGHT ? "/weights" : "/activations")
                    : t.tensor();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        List<QuantUnit> units = new ArrayList<>();
        groups.forEach((name, ts) -> {
            long size = 0;
            for (QuantTarget t : ts) {
                size += t.role() == TensorRole.WEIGHT ? graph.initializer(t.tensor()).orElseThrow().numel()
                        : t.consumers().stream().mapToLong(n -> nodes.containsKey(n) ? nodes.get(n).macs() : 0).sum();
            }
            units.add(new QuantUnit(name, ts.get(0).role(), ts, ts.get(0).block(), Math.max(1, size)));
        });
        return units;
    }
}
