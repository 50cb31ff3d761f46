/**
 * Least-squares reconstruction of pruned layers from calibration Gram matrices: the exact masked
 * solution and SparseGPT's column-by-column OBS updates (damping and Cholesky: {@code io.vitshrink.onnx.linalg}).
 */
package io.vitshrink.prune.reconstruct;
