/**
 * Quantization plans as data: which tensor is quantized how, with every scale and zero point, plus the
 * float-exact reparameterizations applied first. A plan is JSON; (input model, plan) rebuilds the
 * exported model exactly.
 */
package io.vitshrink.quant.plan;
