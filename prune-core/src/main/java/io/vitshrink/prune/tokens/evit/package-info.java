/** EViT attentive-token keeping with a fused token: ONNX form and Java reference. */
package io.vitshrink.prune.tokens.evit;
