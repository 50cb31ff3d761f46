package io.vitshrink.workbench.search;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The accuracy-aware search of {@code --max-drop}: among plans sorted from smallest to largest, the
 * smallest whose measured drop is within the limit, found by bisection (a larger plan is assumed to drop
 * no more than a smaller one; each probe is a real evaluation, memoized). The answer is always a plan
 * that was measured within the limit, or none.
 */
public final class MaxDropSearch {

    /** What the search found: the index of the chosen plan (-1 when none passes) and every measured score. */
    public record Result(int chosen, Map<Integer, Score> measured) {
    }

    private MaxDropSearch() {
    }

    /**
     * @param count plans, sorted by size ascending
     * @param measure evaluates plan {@code i} for real
     */
    public static Result run(int count, double maxDropPoints, IntFunction<Score> measure) {
        Map<Integer, Score> measured = new HashMap<>();
        IntFunction<Boolean> passes = i -> measured.computeIfAbsent(i, measure::apply).dropPoints() <= maxDropPoints + 1e-9;
        if (count == 0 || !passes.apply(count - 1)) {
            return new Result(-1, measured);
        }
        int lo = 0;
        int hi = count - 1; // hi passes
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (passes.apply(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new Result(hi, measured);
    }
}
