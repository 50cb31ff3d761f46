/**
 * Token reduction as ONNX graph rewrites: plans ({@link io.vitshrink.prune.tokens.TokenPlan}), their
 * application ({@link io.vitshrink.prune.tokens.TokenReduction}), the fix of baked token counts in shape
 * constants, and the attention taps the methods read. Methods live in subpackages, each with a pure-Java
 * reference; the schedule search in {@code schedule}.
 */
package io.vitshrink.prune.tokens;
