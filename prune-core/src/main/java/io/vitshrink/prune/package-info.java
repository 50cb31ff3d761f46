/**
 * Post-training weight pruning: {@link io.vitshrink.prune.PrunePipeline} (one calibration pass →
 * {@link io.vitshrink.prune.plan.PrunePlan} → pruned model by replaying the plan), with
 * {@code weights} (patterns, scores, masks), {@code calibration} (Gram matrices), {@code reconstruct}
 * (least squares, SparseGPT), {@code structured} (heads/channels removal), {@code allocation}
 * (per-layer sensitivity → sparsity). Token pruning lives in {@code tokens} (another issue).
 */
package io.vitshrink.prune;
