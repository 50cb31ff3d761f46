package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Node;
import java.util.Set;

/**
 * One pre-norm transformer block: {@code x + attn(norm1(x))} then {@code y + mlp(norm2(y))}.
 *
 * @param index position in the network, from 0
 * @param input the residual stream entering the block
 * @param norm1 norm before attention
 * @param attention the attention unit
 * @param attentionResidual the Add closing the attention branch
 * @param norm2 norm before the MLP
 * @param mlp the MLP
 * @param mlpResidual the Add closing the MLP branch; its output is the block's output
 * @param nodes names of all nodes on paths from the input to the output
 */
public record TransformerBlock(int index, String input, LayerNorm norm1, Attention attention, Node attentionResidual,
        LayerNorm norm2, Mlp mlp, Node mlpResidual, Set<String> nodes) {

    public String output() {
        return mlpResidual.output(0);
    }
}
