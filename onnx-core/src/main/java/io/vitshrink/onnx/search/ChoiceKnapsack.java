package io.vitshrink.onnx.search;

import java.util.Arrays;
import java.util.List;

/**
 * The multiple-choice knapsack: pick exactly one option from every group so that the summed cost stays
 * within a capacity and the summed damage is least. Dynamic programming over the cost, exact for integer
 * costs when the capacity (after subtracting every group's cheapest option) is at most {@code maxCells};
 * larger capacities are divided into {@code maxCells} steps and option costs rounded up to whole steps,
 * which keeps every answer within the capacity and loses at most one step per group of it.
 */
public final class ChoiceKnapsack {

    /** Default number of cost steps: 50,000 (a DeiT-Tiny search runs in about a second). */
    public static final int DEFAULT_CELLS = 50_000;

    /**
     * One option of a group.
     *
     * @param cost non-negative integer cost
     * @param damage what choosing it adds
     */
    public record Option(long cost, double damage) {
    }

    private ChoiceKnapsack() {
    }

    /**
     * @return the chosen option index per group, or null when even the cheapest options exceed the capacity
     */
    public static int[] solve(List<List<Option>> groups, long capacity, int maxCells) {
        int g = groups.size();
        long base = 0;
        long[] min = new long[g];
        for (int i = 0; i < g; i++) {
            min[i] = groups.get(i).stream().mapToLong(Option::cost).min().orElseThrow();
            base += min[i];
        }
        long free = capacity - base;
        if (free < 0) {
            return null;
        }
        long step = Math.max(1, (free + maxCells - 1) / maxCells);
        int cells = (int) (free / step);
        double[] best = new double[cells + 1];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        short[][] choice = new short[g][];
        for (int i = 0; i < g; i++) {
            List<Option> options = groups.get(i);
            int[] cost = new int[options.size()];
            for (int o = 0; o < cost.length; o++) {
                long extra = options.get(o).cost() - min[i];
                long c = (extra + step - 1) / step;
                cost[o] = c > cells ? -1 : (int) c;
            }
            double[] next = new double[cells + 1];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            short[] pick = new short[cells + 1];
            Arrays.fill(pick, (short) -1);
            for (int o = 0; o < cost.length; o++) {
                if (cost[o] < 0) {
                    continue;
                }
                double d = options.get(o).damage();
                for (int c = cost[o]; c <= cells; c++) {
                    double v = best[c - cost[o]] + d;
                    if (v < next[c]) {
                        next[c] = v;
                        pick[c] = (short) o;
                    }
                }
            }
            best = next;
            choice[i] = pick;
        }
        int end = -1;
        for (int c = 0; c <= cells; c++) {
            if (best[c] < Double.POSITIVE_INFINITY && (end < 0 || best[c] < best[end])) {
                end = c;
            }
        }
        if (end < 0) {
            return null;
        }
        int[] chosen = new int[g];
        int c = end;
        for (int i = g - 1; i >= 0; i--) {
            int o = choice[i][c];
            chosen[i] = o;
            c -= discreteCost(groups.get(i), min[i], step, o);
        }
        return chosen;
    }

    private static int discreteCost(List<Option> options, long min, long step, int o) {
        return (int) ((options.get(o).cost() - min + step - 1) / step);
    }
}
