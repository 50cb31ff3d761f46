/**
 * Calibration and evaluation data for vitshrink: how image files on disk become the float tensors a
 * Vision Transformer eats, exactly as the model's training code (PIL + torchvision/timm) made them.
 *
 * <ul>
 *   <li>{@code images} — decoding any ImageIO-readable file into packed 8-bit RGB, refusing
 *       decompression bombs and reporting unreadable files as a typed, skippable error;</li>
 *   <li>{@code preprocess} — preprocessing recipes (resize, crop, normalize) and a Pillow-exact
 *       resampler, because a few uint8 steps of difference cost measurable top-1;</li>
 *   <li>{@code dataset} — image folders in the usual layouts, label maps in ImageNet-1k order,
 *       dataset manifests and the bundled {@code shared:} sets;</li>
 *   <li>{@code sampling} — seeded, machine-independent samples and disjoint splits;</li>
 *   <li>{@code cache} — an on-disk cache of preprocessed tensors so a second run skips JPEG decoding;</li>
 *   <li>{@code loader} — ordered, bounded, multi-threaded batch loading with skip accounting.</li>
 * </ul>
 */
package io.vitshrink.data;
