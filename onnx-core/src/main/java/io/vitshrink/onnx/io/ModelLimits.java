package io.vitshrink.onnx.io;

/**
 * What the loader accepts. ONNX Runtime 1.29 runs IR ≤ 13 and default-domain opsets ≤ 26; vitshrink
 * reads models with opset 7 and newer (it recognizes ViT structure from opset 13 on) and refuses
 * tensors larger than the tensor budget before allocating them.
 */
public record ModelLimits(long maxIrVersion, long maxOpset, long minOpset, long maxTensorBytes) {

    /** ONNX Runtime 1.29's limits and a 4 GiB per-tensor budget. */
    public static final ModelLimits DEFAULT = new ModelLimits(13, 26, 7, 4L << 30);
}
