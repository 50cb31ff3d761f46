package io.vitshrink.onnx.vit;

/** The feed-forward part of a block: fc1, activation, fc2. */
public record Mlp(Linear fc1, Activation activation, Linear fc2) {

    public long hiddenFeatures() {
        return fc1.outFeatures();
    }
}
