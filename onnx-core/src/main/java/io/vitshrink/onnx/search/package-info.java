/**
 * Budgeted choices shared by the searches of the other modules: the multiple-choice knapsack that
 * mixed precision (bits per unit) and pruning allocation (sparsity per layer) both solve.
 */
package io.vitshrink.onnx.search;
