package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Node;

/**
 * One multi-head self-attention unit.
 *
 * @param q query projection
 * @param k key projection (the same object as {@code q} when q, k and v come from one fused Linear)
 * @param v value projection
 * @param scores the Q·Kᵀ MatMul
 * @param softmax the Softmax over the scores
 * @param context the attn·V MatMul
 * @param proj the output projection
 * @param heads number of heads
 * @param tokens number of key tokens (per window for window attention)
 * @param headDim dimension per head
 * @param scaleNode the Mul or Div that applies 1/√d (on q or on the scores), or null
 * @param positionBias whether a computed bias (relative position bias, mask) is added to the scores
 */
public record Attention(Linear q, Linear k, Linear v, Node scores, Node softmax, Node context, Linear proj,
        long heads, long tokens, long headDim, Node scaleNode, boolean positionBias) {

    /** Whether q, k and v come from one fused projection (timm's qkv, torchvision's in_proj). */
    public boolean fusedQkv() {
        return q == k && k == v;
    }

    /** The post-Softmax value, the input of attn·V. */
    public String attentionProbs() {
        return softmax.output(0);
    }
}
