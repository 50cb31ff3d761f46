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

    /**
     * The same problem with every damage raised to {@code exponent} (0 &lt; exponent ≤ 1): a family of
     * damage models for plans whose units' errors do not simply add. KL of the logits is about half a
     * squared norm of the logit error, so {@code Σ KL} (exponent 1) is exact when the units' errors are
     * independent, while {@code Σ √KL} (exponent 0.5) is the triangle-inequality bound when they line up;
     * the truth at low widths lies between (the additive estimate under-predicts there), and which model
     * allocates best is then measured, not assumed.
     */
    public AllocationProblem withDamageExponent(double exponent) {
        if (!(exponent > 0 && exponent <= 1)) {
            throw new IllegalArgumentException("damage exponent must be in (0, 1], not " + exponent);
        }
        if (exponent == 1) {
            return this;
        }
        double[][] d = new double[damage.length][];
        for (int u = 0; u < d.length; u++) {
            d[u] = new double[damage[u].length];
            for (int k = 0; k < d[u].length; k++) {
                d[u][k] = Math.pow(Math.max(0, damage[u][k]), exponent);
            }
        }
        return new AllocationProblem(meter, bitOptions, d);
    }

    /**
     * The allocation of these widths judged by this problem's damages (e.g. a plan allocated under
     * {@link #withDamageExponent} with its additive estimate).
     *
     * @throws IllegalArgumentException when a width is not one of the options
     */
    public Allocation allocationOfBits(int[] bits) {
        if (bits.length != units()) {
            throw new IllegalArgumentException(bits.length + " widths for " + units() + " units");
        }
        int[] k = new int[bits.length];
        for (int u = 0; u < bits.length; u++) {
            k[u] = Arrays.binarySearch(bitOptions, bits[u]);
            if (k[u] < 0) {
                throw new IllegalArgumentException(bits[u] + " bits is not an option of " + Arrays.toString(bitOptions));
            }
        }
        return allocation(k);
    }

    /** Every unit at the same option. */
    public int[] uniform(int option) {
        int[] k = new int[units()];
        Arrays.fill(k, option);
        return k;
    }
}
