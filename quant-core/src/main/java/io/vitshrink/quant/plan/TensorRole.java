package io.vitshrink.quant.plan;

/** Whether a quantized tensor is a constant weight or an activation computed at run time. */
public enum TensorRole {
    WEIGHT, ACTIVATION;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
