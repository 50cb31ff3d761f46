/** Training-free semantic tokens (STViT-style pooling + one attention step): ONNX form and Java reference. */
package io.vitshrink.prune.tokens.semantic;
