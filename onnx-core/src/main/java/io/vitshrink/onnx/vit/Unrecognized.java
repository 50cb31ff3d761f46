package io.vitshrink.onnx.vit;

/**
 * Something the recognizer saw but could not place, with the reason: reported to the user, never
 * silently dropped.
 */
public record Unrecognized(String node, String opType, String reason) {
}
