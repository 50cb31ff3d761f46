package io.vitshrink.onnx.vit;

import java.util.Set;

/**
 * A layer normalization, either one {@code LayerNormalization} node (opset 17+) or the ReduceMean /
 * Sub / Pow / ReduceMean / Add / Sqrt / Div / Mul / Add chain PyTorch writes at lower opsets.
 *
 * @param input the normalized value
 * @param output the value after the affine transform
 * @param scale gamma initializer name (null when absent)
 * @param bias beta initializer name (null when absent)
 * @param decomposed whether it is the op chain rather than one node
 * @param nodes names of the nodes it consists of
 */
public record LayerNorm(String input, String output, String scale, String bias, boolean decomposed, Set<String> nodes) {
}
