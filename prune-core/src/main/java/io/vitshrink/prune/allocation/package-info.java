/** Per-layer sensitivity on calibration activations and the greedy allocation of a global sparsity (weights or MACs) budget. */
package io.vitshrink.prune.allocation;
