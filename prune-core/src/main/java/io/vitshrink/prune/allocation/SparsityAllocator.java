package io.vitshrink.prune.allocation;

import io.vitshrink.onnx.search.ChoiceKnapsack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distributes a global budget over layers from their {@link LayerSensitivity}. {@link #allocate} is
 * greedy: every layer starts dense and the step (one candidate sparsity up) with the smallest increase
 * in error per weight (or per MAC) removed is taken, until the removed weights (or effective MACs)
 * reach the target — right on convex error curves. {@link #allocateExact} solves the same problem as
 * a multiple-choice knapsack (least summed error with the kept weights within budget), which also
 * holds for the measured, not quite convex curves of {@link NetworkSensitivity}. The same shape of
 * search as a mixed-precision bit allocation.
 */
public final class SparsityAllocator {

    private SparsityAllocator() {
    }

    /** What the budget counts. */
    public enum Budget { WEIGHTS, MACS }

    /**
     * @param target weights (or MACs) to remove in total
     * @return layer → sparsity (0 for layers left dense)
     */
    public static Map<String, Double> allocate(List<LayerSensitivity> layers, Budget budget, double target) {
        int[] step = new int[layers.size()]; // -1 = dense, k = candidate k
        java.util.Arrays.fill(step, -1);
        double removed = 0;
        while (removed < target) {
            int best = -1;
            double bestCost = Double.MAX_VALUE;
            double bestGain = 0;
            for (int l = 0; l < layers.size(); l++) {
                LayerSensitivity s = layers.get(l);
                int next = step[l] + 1;
                if (next >= s.sparsities().length) {
                    continue;
                }
                double prevSparsity = step[l] < 0 ? 0 : s.sparsities()[step[l]];
                double prevError = step[l] < 0 ? 0 : s.errors()[step[l]];
                double unit = budget == Budget.WEIGHTS ? s.weights() : s.macs();
                double gain = (s.sparsities()[next] - prevSparsity) * unit;
                double cost = (s.errors()[next] - prevError) / Math.max(gain, 1e-12);
                if (cost < bestCost) {
                    best = l;
                    bestCost = cost;
                    bestGain = gain;
                }
            }
            if (best < 0) {
                break; // every layer at its highest candidate
            }
            step[best]++;
            removed += bestGain;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            out.put(layers.get(l).layer(), step[l] < 0 ? 0.0 : layers.get(l).sparsities()[step[l]]);
        }
        return out;
    }

    /**
     * The least summed error that removes at least {@code target} weights (or MACs): one option per
     * layer among dense and its candidates, solved exactly up to the knapsack's cost grid, whose
     * rounding only ever keeps fewer weights than counted, so the target always holds.
     *
     * @return layer → sparsity (0 for layers left dense)
     * @throws IllegalArgumentException when even every layer at its highest candidate misses the target
     */
    public static Map<String, Double> allocateExact(List<LayerSensitivity> layers, Budget budget, double target) {
        List<List<ChoiceKnapsack.Option>> groups = new ArrayList<>();
        long total = 0;
        for (LayerSensitivity s : layers) {
            long unit = budget == Budget.WEIGHTS ? s.weights() : s.macs();
            total += unit;
            List<ChoiceKnapsack.Option> options = new ArrayList<>();
            options.add(new ChoiceKnapsack.Option(unit, 0)); // dense
            for (int k = 0; k < s.sparsities().length; k++) {
                long kept = unit - (long) Math.floor(s.sparsities()[k] * unit);
                options.add(new ChoiceKnapsack.Option(kept, Math.max(0, s.errors()[k])));
            }
            groups.add(options);
        }
        long capacity = total - (long) Math.ceil(target);
        int[] chosen = capacity < 0 ? null : ChoiceKnapsack.solve(groups, capacity, ChoiceKnapsack.DEFAULT_CELLS);
        if (chosen == null) {
            throw new IllegalArgumentException("no allocation over the candidates removes " + Math.round(target) + " of " + total);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int l = 0; l < layers.size(); l++) {
            out.put(layers.get(l).layer(), chosen[l] == 0 ? 0.0 : layers.get(l).sparsities()[chosen[l] - 1]);
        }
        return out;
    }
}
