package io.vitshrink.prune.allocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distributes a global budget over layers from their {@link LayerSensitivity}: every layer starts
 * dense and the step (one candidate sparsity up) with the smallest increase in relative output error
 * per weight (or per MAC) removed is taken, until the removed weights (or effective MACs) reach the
 * target. A greedy walk on convex-ish error curves, the same shape of search as a mixed-precision
 * bit allocation.
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
}
