package io.vitshrink.quant.mixed;

/**
 * One plan of a frontier: the budget it was allocated for and what the allocator chose.
 *
 * @param allocator {@code greedy}, {@code dp}, or {@code uniform} for the reference points
 * @param budget the budget of this point
 * @param allocation the widths, predicted damage and measures
 */
public record FrontierPoint(String allocator, Budget budget, Allocation allocation) {
}
