package io.vitshrink.onnx.io;

/**
 * How to save a model. Tensors go to an external data file ({@code <model file>.data} beside the
 * model) when {@code externalData} is set or when the model would not fit protobuf's 2 GB limit;
 * then tensors of at least {@code externalThresholdBytes} are moved out.
 */
public record SaveOptions(boolean externalData, long externalThresholdBytes) {

    public static final SaveOptions DEFAULT = new SaveOptions(false, 1024);

    public static SaveOptions withExternalData() {
        return new SaveOptions(true, 1024);
    }
}
