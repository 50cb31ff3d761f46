package io.vitshrink.quant.mixed;

import java.util.Arrays;

/**
 * What an allocator chooses from: units, the candidate widths (ascending), and the damage estimate of
 * each unit at each width (damages are assumed additive over units).
 *
 * @param meter measures of assignments
 * @param bitOptions candidate widths, ascending, without duplicates
 * @param damage {@code damage[u][k]}: damage of unit u alone at {@code bitOptions[k]}
 */
public record AllocationProblem(BudgetMeter meter, int[] bitOptions, double[][] damage) {

    public AllocationProblem {
        bitOptions = bitOptions.clone();
        for (int i = 1; i < bitOptions.length; i++) {
            if (bitOptions[i] <= bitOptions[i - 1]) {
                throw new IllegalArgumentException("bit options must ascend: " + Arrays.toString(bitOptions));
            }
        }
        if (damage.length != meter.units().size()) {
            throw new IllegalArgumentException("damage rows " + damage.length + " for " + meter.units().size() + " units");
        }
        for (double[] row : damage) {
            if (row.length != bitOptions.length) {
                throw new IllegalArgumentException("a damage row has " + row.length + " entries for " + bitOptions.length + " widths");
            }
        }
    }

    public int units() {
        return damage.length;
    }

    /** Widths of an assignment given as option indices. */
    public int[] bits(int[] optionIndex) {
        int[] b = new int[optionIndex.length];
        for (int u = 0; u < b.length; u++) {
            b[u] = bitOptions[optionIndex[u]];
        }
        return b;
    }

    /** The additive damage estimate of an assignment given as option indices. */
    public double damage(int[] optionIndex) {
        double d = 0;
        for (int u = 0; u < optionIndex.length; u++) {
            d += damage[u][optionIndex[u]];
        }
        return d;
    }

    /** The allocation of an assignment given as option indices. */
    public Allocation allocation(int[] optionIndex) {
        int[] bits = bits(optionIndex);
        return new Allocation(bits, damage(optionIndex), meter.measure(bits));
    }

    /** Every unit at the same option. */
    public int[] uniform(int option) {
        int[] k = new int[units()];
        Arrays.fill(k, option);
        return k;
    }
}
