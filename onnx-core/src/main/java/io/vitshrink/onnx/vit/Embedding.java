package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Node;

/**
 * How images become tokens.
 *
 * @param patchConv the patch-embedding Conv (kernel = stride = patch), or null
 * @param patchSize the patch size, or 0 when unknown
 * @param classToken initializer of the class token, or null (e.g. Swin, mean-pooled models)
 * @param positionEmbedding initializer of the absolute position embedding, or null
 * @param tokens number of tokens entering the first block (class token included)
 * @param width embedding width
 */
public record Embedding(Node patchConv, long patchSize, String classToken, String positionEmbedding, long tokens, long width) {
}
