/**
 * Float-exact reparameterizations of post-LayerNorm activations, applied before quantization.
 *
 * <p>Both passes rewrite the activation {@code x} a LayerNorm hands to the Linears that read it as
 * {@code x' = (x - shift) / scale} per channel (last axis), folded into the LayerNorm's affine
 * ({@code gamma' = gamma / scale}, {@code beta' = (beta - shift) / scale}) and undone in every reading
 * Linear ({@code W'[c, :] = W[c, :] · scale_c}, {@code b' = b + Σ_c W[c, :] · shift_c}); the network
 * computes the same function in float.
 * <ul>
 *   <li>{@link io.vitshrink.quant.reparam.RepQVitReparam}: RepQ-ViT scale reparameterization (Li et al.,
 *       ICCV 2023): the per-channel asymmetric quantizer (s_c, z_c) becomes a per-tensor one
 *       (mean s, mean z).</li>
 *   <li>{@link io.vitshrink.quant.reparam.SmoothQuantReparam}: SmoothQuant (Xiao et al., ICML 2023)
 *       migration with strength α, plus an Outlier-Suppression+-style channel shift.</li>
 * </ul>
 * Each pass returns what it did as a list of {@link io.vitshrink.quant.reparam.Reparameterization}
 * (plain data), and {@link io.vitshrink.quant.reparam.Reparameterizations#apply} replays such a list on
 * the input model, bit for bit, without statistics.
 */
package io.vitshrink.quant.reparam;
