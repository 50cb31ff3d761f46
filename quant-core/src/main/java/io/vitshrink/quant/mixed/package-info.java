/**
 * Mixed precision: per-unit sensitivity (one unit quantized alone at each candidate width, the damage to
 * the logits measured on held-out images), budgets (average weight / activation bits, bytes, BOPs),
 * allocators that pick a width per unit under a budget from the additive damage estimates — greedy
 * (MPTQ-ViT style: lower the least sensitive unit step by step) and an exact multiple-choice knapsack —
 * and the frontier of their plans. Every candidate's parameters derive from one calibration
 * ({@link io.vitshrink.quant.Calibrated}).
 */
package io.vitshrink.quant.mixed;
