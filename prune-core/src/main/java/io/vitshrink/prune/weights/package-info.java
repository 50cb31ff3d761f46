/**
 * Weight sparsity of Linear layers: patterns (blocks from 1×1 to 32×32, N:M), importance scores
 * (magnitude, Wanda, OBS/Hessian), mask selection, and {@link io.vitshrink.prune.weights.WeightPruner},
 * which turns scores into plan masks and applies them (with reconstruction).
 */
package io.vitshrink.prune.weights;
