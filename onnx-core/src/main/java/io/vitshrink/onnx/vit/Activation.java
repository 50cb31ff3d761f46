package io.vitshrink.onnx.vit;

import java.util.Set;

/**
 * The MLP non-linearity between fc1 and fc2.
 *
 * @param kind which form the exporter wrote
 * @param input value entering the activation (fc1's output)
 * @param output value leaving it (fc2's input side)
 * @param nodes names of the nodes it consists of
 */
public record Activation(Kind kind, String input, String output, Set<String> nodes) {

    /** GELU written with Erf, with Tanh (approximation), as the {@code Gelu} op, or another form. */
    public enum Kind { GELU_ERF, GELU_TANH, GELU_OP, QUICK_GELU, RELU, OTHER }
}
