package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.UserException;
import java.util.Locale;
import java.util.Optional;

/** Chooses one width per unit under a budget, from additive damage estimates. */
public interface Allocator {

    /** {@code greedy} or {@code dp}. */
    String name();

    /** The least-damage assignment this allocator finds within the budget, or empty when none fits. */
    Optional<Allocation> allocate(AllocationProblem problem, Budget budget);

    static Allocator parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "greedy" -> new GreedyAllocator();
            case "dp", "knapsack" -> new KnapsackAllocator();
            default -> throw new UserException("unknown allocator '" + s + "': use greedy or dp");
        };
    }
}
