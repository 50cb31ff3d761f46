/**
 * Quantization schemes: what gets quantized. A {@link io.vitshrink.quant.scheme.QuantScheme} (a preset
 * or a JSON/YAML file) plus a model's recognized structure give the list of
 * {@link io.vitshrink.quant.scheme.QuantTarget}s: every weight of a matrix product and every
 * activation entering one — both operands of Q·Kᵀ and attn·V included — minus exclusions.
 */
package io.vitshrink.quant.scheme;
