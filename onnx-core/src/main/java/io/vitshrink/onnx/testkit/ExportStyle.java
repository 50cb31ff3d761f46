package io.vitshrink.onnx.testkit;

/**
 * How a tiny ViT's graph is written, imitating the ONNX that a real exporter produces. The three ViT
 * styles compute the same function for the same {@link TinyVitConfig}; {@link #SWIN_LIKE} is a
 * different (hierarchical) model.
 */
public enum ExportStyle {
    /**
     * timm / DeiT through {@code torch.onnx.export} (PyTorch 1.13): Conv patch embedding, constant
     * Reshape and Transpose to {@code [B, N, D]}, class token Expand'ed to the batch and Concat'ed in
     * front, position-embedding Add; per block one fused {@code qkv} MatMul, Reshape
     * {@code [B, N, 3, H, d]}, Transpose {@code [3, B, H, N, d]}, Gather 0/1/2, q scaled by Mul,
     * MatMul with the Transpose'd k, Softmax, MatMul with v, Transpose, Reshape, {@code proj}; head on
     * the final-norm class token (Gather) as Gemm with {@code transB=1}. Node names like
     * {@code /blocks.0/attn/qkv/MatMul}; MatMul weights named {@code onnx::MatMul_NNN}.
     */
    TIMM,

    /**
     * Hugging Face transformers {@code ViTForImageClassification}: separate query/key/value Linears,
     * {@code transpose_for_scores} with dynamic shapes (Shape, Gather, Unsqueeze, Concat, Reshape,
     * Transpose), scores Div'ided by sqrt(d) after the product, context reshaped through a dynamic
     * Concat shape, {@code attention.output.dense}, {@code intermediate}/{@code output} MLP, classifier
     * on a Slice+Gather of the class token. Node names like
     * {@code /vit/encoder/layer.0/attention/attention/query/MatMul}.
     */
    HUGGING_FACE,

    /**
     * torchvision {@code VisionTransformer} with {@code nn.MultiheadAttention} as PyTorch 1.13 exports
     * it: {@code in_proj} as one MatMul+Add on a {@code [D, 3D]} weight, q/k/v by Split, tensors moved
     * to {@code [N, B, D]} and {@code [B*H, N, d]} by dynamic Reshapes and Transposes, q Div'ided by
     * sqrt(d) before the product ({@code _scaled_dot_product_attention}), {@code out_proj} as Gemm on
     * {@code [N*B, D]}. Node names like {@code /encoder/layers/encoder_layer_0/self_attention/MatMul}.
     */
    TORCHVISION,

    /**
     * A small hierarchical Swin-like model (two stages of window attention with a relative position
     * bias Gathered from a bias table, patch merging between stages, mean-pooled head). It does not
     * compute the ViT function of the other styles; {@link TinyVitReference} has its own forward pass
     * for it. It exists so that structure recognition can be tested on a hierarchical ViT.
     */
    SWIN_LIKE;

    /** Whether this style computes the plain (isotropic) ViT function shared by the ViT styles. */
    public boolean isPlainVit() {
        return this != SWIN_LIKE;
    }
}
