package io.vitshrink.quant.mixed;

/**
 * One bit width per unit, with its predicted damage (the sum of the units' sensitivities) and measures.
 *
 * @param bits width of each unit, in unit order
 * @param predictedDamage additive damage estimate
 * @param measures average bits, bytes, BOPs
 */
public record Allocation(int[] bits, double predictedDamage, Measures measures) {

    public Allocation {
        bits = bits.clone();
    }

    @Override
    public int[] bits() {
        return bits.clone();
    }

    /** Same widths as another allocation. */
    public boolean sameBits(Allocation o) {
        return java.util.Arrays.equals(bits, o.bits);
    }
}
