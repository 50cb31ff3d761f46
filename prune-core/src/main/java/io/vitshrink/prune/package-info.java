/**
 * Pruning (next issues): block-structured and N:M weight sparsity, head/channel removal, token pruning and merging rewrites, with calibration-driven importance, reconstruction and allocation.
 */
package io.vitshrink.prune;
