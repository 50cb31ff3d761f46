/**
 * Metrics over classifier logits, accumulated batch by batch: top-k accuracy against labels and,
 * against a reference model, top-1 agreement, KL divergence and logit cosine similarity.
 */
package io.vitshrink.onnx.metrics;
