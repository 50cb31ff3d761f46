/**
 * The tiny-ViT test kit: small, deterministic Vision Transformer classifiers written the way real
 * exporters write them, an oracle that computes what they must output, and generated images.
 *
 * <ul>
 *   <li>{@link io.vitshrink.onnx.testkit.TinyVitBuilder}: a fluent builder of tiny ViT {@code Model}s
 *       (DeiT-like defaults), in the graph idiom of timm, Hugging Face transformers or torchvision
 *       exports ({@link io.vitshrink.onnx.testkit.ExportStyle}), at opset 13 (LayerNorm decomposed) or
 *       17+ ({@code LayerNormalization}), with a choice of GELU form
 *       ({@link io.vitshrink.onnx.testkit.GeluForm}); plus a hierarchical Swin-like model.</li>
 *   <li>{@link io.vitshrink.onnx.testkit.TinyVitConfig}: the validated settings, one record.</li>
 *   <li>{@link io.vitshrink.onnx.testkit.TinyVitReference}: a plain-Java forward pass over the same
 *       weights, the oracle every export style is checked against.</li>
 *   <li>{@link io.vitshrink.onnx.testkit.SyntheticImages}: deterministic input batches and small PNG
 *       datasets labelled by the reference model.</li>
 * </ul>
 *
 * Every ViT style of one configuration and seed computes the same function with the same weights;
 * only the way the graph is written differs. Nothing here reads files from {@code ../shared}.
 */
package io.vitshrink.onnx.testkit;
