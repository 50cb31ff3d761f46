package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Node;

/**
 * A fully connected layer as exporters write it: a MatMul with a constant weight (stored
 * {@code [in, out]}) or a Gemm (stored {@code [out, in]} when {@code transB = 1}), plus an optional
 * bias Add. {@code output} is the value after the bias.
 *
 * @param node the MatMul or Gemm
 * @param weight name of the weight initializer
 * @param weightOutInLayout true when the weight is stored {@code [out, in]} (Gemm with transB)
 * @param inFeatures input features
 * @param outFeatures output features
 * @param biasNode the separate bias Add, or null (Gemm carries its bias itself)
 * @param bias name of the bias initializer, or null
 * @param output the value after the bias
 */
public record Linear(Node node, String weight, boolean weightOutInLayout, long inFeatures, long outFeatures,
        Node biasNode, String bias, String output) {

    /** The activation input of the layer. */
    public String input() {
        return node.input(0);
    }

    public String name() {
        return node.name();
    }
}
