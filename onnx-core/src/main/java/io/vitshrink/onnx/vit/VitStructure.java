package io.vitshrink.onnx.vit;

import java.util.List;

/**
 * What {@link VitRecognizer} found in a model. A model is "recognized as a ViT" when it has at least
 * one transformer block; everything the recognizer could not place is in {@link #unrecognized()}.
 *
 * @param embedding patch embedding and tokens (null when not found)
 * @param blocks transformer blocks in execution order
 * @param head final norm, pooling and classifier (null when not found)
 * @param downsamples Linears between stages of hierarchical ViTs (Swin's patch merging)
 * @param looseAttentions attention units found outside a recognized block
 * @param unrecognized what could not be placed, with reasons
 */
public record VitStructure(Embedding embedding, List<TransformerBlock> blocks, ClassifierHead head,
        List<Linear> downsamples, List<Attention> looseAttentions, List<Unrecognized> unrecognized) {

    public VitStructure {
        blocks = List.copyOf(blocks);
        downsamples = List.copyOf(downsamples);
        looseAttentions = List.copyOf(looseAttentions);
        unrecognized = List.copyOf(unrecognized);
    }

    public boolean isVit() {
        return !blocks.isEmpty();
    }

    /** Whether the blocks change width or token count between stages (Swin-like). */
    public boolean isHierarchical() {
        return !downsamples.isEmpty()
                || blocks.stream().map(b -> b.attention().proj().outFeatures()).distinct().count() > 1;
    }

    /** A short description of how the export writes attention, for people reading `inspect`. */
    public String attentionStyle() {
        if (blocks.isEmpty()) {
            return "none";
        }
        Attention a = blocks.get(0).attention();
        String proj = a.fusedQkv() ? "fused qkv projection" : "separate q/k/v projections";
        String scale = a.scaleNode() == null ? "no explicit scale"
                : a.scaleNode().opType() + " scale on " + (a.scaleNode().output(0).equals(a.scores().input(0))
                        || isAbove(a) ? "q" : "scores");
        return proj + ", " + scale;
    }

    private static boolean isAbove(Attention a) {
        return !a.scaleNode().input(0).equals(a.scores().output(0))
                && !a.scaleNode().input(1).equals(a.scores().output(0));
    }

    public String normStyle() {
        return blocks.isEmpty() ? "none" : blocks.get(0).norm1().decomposed()
                ? "decomposed (ReduceMean/Sub/Pow/Sqrt/Div)" : "LayerNormalization op";
    }

    public String activationStyle() {
        return blocks.isEmpty() ? "none" : blocks.get(0).mlp().activation().kind().name();
    }
}
