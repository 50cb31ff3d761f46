/**
 * Preprocessing: from decoded RGB pixels to the normalized NCHW float32 tensor a model expects.
 *
 * <p>A {@link io.vitshrink.data.preprocess.PreprocessRecipe} is data (named presets, JSON or YAML
 * files, a content hash for cache keys); a {@link io.vitshrink.data.preprocess.Preprocessor} applies
 * one. The resize is {@link io.vitshrink.data.preprocess.PillowResampler}, a re-implementation of
 * Pillow's antialiased convolution resampling in 8-bit fixed point, and the size and crop arithmetic
 * follows torchvision ({@link io.vitshrink.data.preprocess.TorchvisionGeometry}). Matching the
 * training pipeline to the uint8 is what keeps a measured top-1 comparable with published numbers.
 */
package io.vitshrink.data.preprocess;
