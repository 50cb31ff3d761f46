/**
 * Recognition of Vision Transformer structure in an ONNX graph: patch embedding, class and position
 * tokens, transformer blocks (norms, attention with its projections and matrix products, MLP,
 * residual adds), the final norm and the classifier head. Recognition is structural — anchored on
 * Softmax nodes and on "Linear" ops (a MatMul/Gemm with a constant weight) — so it works across
 * exporters (timm, Hugging Face, torchvision), opsets (decomposed or fused LayerNorm) and GELU forms.
 * What is not recognized is reported in {@link io.vitshrink.onnx.vit.VitStructure#unrecognized()}.
 */
package io.vitshrink.onnx.vit;
