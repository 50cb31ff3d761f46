package io.vitshrink.onnx.vit;

/**
 * The end of the network.
 *
 * @param finalNorm the norm after the last block, or null
 * @param pooling how the token sequence is reduced to one vector
 * @param head the classifier Linear, or null when not found
 */
public record ClassifierHead(LayerNorm finalNorm, Pooling pooling, Linear head) {

    /** Class token (Gather/Slice of token 0), mean over tokens, or not determined. */
    public enum Pooling { CLASS_TOKEN, MEAN, UNKNOWN }
}
