package io.vitshrink.quant;

import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A power-law activation of a block — the post-Softmax input of attn·V, or the post-GELU input of
 * fc2 — that gets a searched non-uniform quantizer, with what its consuming product multiplies it by
 * (V, an activation; or fc2's weight).
 *
 * @param tensor the quantized activation (the product's input)
 * @param otherOperand V for attn·V, or null
 * @param weight fc2's weight initializer for the MLP, or null
 * @param weightOutIn whether that weight is stored [out, in]
 * @param choice which quantizer to search
 */
record PowerLawTarget(String tensor, String otherOperand, String weight, boolean weightOutIn, QuantizerChoice choice) {

    /** The targets the settings ask for, among the activations the scheme quantizes. */
    static List<PowerLawTarget> find(VitStructure structure, Set<String> quantized, PtqPipeline.Settings settings) {
        List<PowerLawTarget> out = new ArrayList<>();
        for (TransformerBlock b : structure.blocks()) {
            String probs = b.attention().context().input(0);
            if (settings.softmaxQuantizer() != QuantizerChoice.UNIFORM && quantized.contains(probs)) {
                out.add(new PowerLawTarget(probs, b.attention().context().input(1), null, false, settings.softmaxQuantizer()));
            }
            Linear fc2 = b.mlp().fc2();
            if (settings.geluQuantizer() != QuantizerChoice.UNIFORM && quantized.contains(fc2.input())) {
                out.add(new PowerLawTarget(fc2.input(), null, fc2.weight(), fc2.weightOutInLayout(), settings.geluQuantizer()));
            }
        }
        return out;
    }
}
