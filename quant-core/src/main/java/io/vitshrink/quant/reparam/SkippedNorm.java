package io.vitshrink.quant.reparam;

/**
 * A LayerNorm a pass left alone, and why (e.g. its output is also read by a residual Add).
 *
 * @param norm the LayerNorm's output value name
 * @param reason one line for a person
 */
public record SkippedNorm(String norm, String reason) {
}
