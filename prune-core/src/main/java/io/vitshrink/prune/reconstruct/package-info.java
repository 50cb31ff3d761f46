/**
 * Least-squares reconstruction of pruned layers from calibration Gram matrices: the exact masked
 * solution, SparseGPT's column-by-column OBS updates, damping and a small Cholesky.
 */
package io.vitshrink.prune.reconstruct;
