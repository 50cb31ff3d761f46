package io.vitshrink.quant.mixed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Budget → predicted damage: allocations at budgets spread between the narrowest and the widest uniform
 * assignment (same measure kinds as the requested budget), plus the uniform assignments themselves as
 * reference points.
 */
public final class Frontier {

    private Frontier() {
    }

    /**
     * @param levels budgets strictly between all-narrowest and all-widest (at least 0)
     */
    public static List<FrontierPoint> build(AllocationProblem problem, List<Allocator> allocators, Budget like, int levels) {
        int widest = problem.bitOptions().length - 1;
        Measures low = problem.meter().measure(problem.bits(problem.uniform(0)));
        Measures high = problem.meter().measure(problem.bits(problem.uniform(widest)));
        List<FrontierPoint> points = new ArrayList<>();
        for (int k = 0; k <= widest; k++) {
            Allocation a = problem.allocation(problem.uniform(k));
            points.add(new FrontierPoint("uniform", like.between(a.measures(), a.measures(), 0), a));
        }
        for (int i = 1; i <= levels; i++) {
            Budget b = like.between(low, high, (double) i / (levels + 1));
            for (Allocator allocator : allocators) {
                Optional<Allocation> a = allocator.allocate(problem, b);
                a.ifPresent(x -> points.add(new FrontierPoint(allocator.name(), b, x)));
            }
        }
        return points;
    }
}
