package io.vitshrink.quant.mixed;

import java.util.Optional;

/**
 * MPTQ-ViT-style greedy allocation: start with every unit at the widest option and lower one unit by one
 * step at a time, always the step that adds the least damage per unit of budget it frees, until the
 * budget holds. Cost of a step: the sum, over the limits still exceeded, of the measure it saves divided
 * by the limit. Fast, not optimal (a knapsack with a few costly units can beat it).
 */
public final class GreedyAllocator implements Allocator {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public Optional<Allocation> allocate(AllocationProblem problem, Budget budget) {
        int n = problem.units();
        int[] k = problem.uniform(problem.bitOptions().length - 1);
        Measures current = problem.meter().measure(problem.bits(k));
        while (!budget.allows(current)) {
            int bestUnit = -1;
            double bestRatio = Double.POSITIVE_INFINITY;
            Measures bestMeasures = null;
            for (int u = 0; u < n; u++) {
                if (k[u] == 0) {
                    continue;
                }
                k[u]--;
                Measures stepped = problem.meter().measure(problem.bits(k));
                k[u]++;
                double saved = 0;
                for (Budget.Kind kind : budget.limits().keySet()) {
                    double limit = budget.limit(kind);
                    if (current.of(kind) > limit * (1 + 1e-9)) {
                        saved += (current.of(kind) - stepped.of(kind)) / limit;
                    }
                }
                if (saved <= 0) {
                    continue;
                }
                double added = problem.damage()[u][k[u] - 1] - problem.damage()[u][k[u]];
                double ratio = added / saved;
                if (ratio < bestRatio) {
                    bestRatio = ratio;
                    bestUnit = u;
                    bestMeasures = stepped;
                }
            }
            if (bestUnit < 0) {
                return Optional.empty(); // nothing left to lower that helps
            }
            k[bestUnit]--;
            current = bestMeasures;
        }
        return Optional.of(problem.allocation(k));
    }
}
