package io.vitshrink.prune.weights;

import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Linears weight pruning works on: q/k/v (or the fused qkv), proj, fc1 and fc2 of every
 * transformer block. The patch embedding and the classifier stay dense, as in the pruning
 * literature (they are small and sensitive).
 */
public final class PrunableLinears {

    private PrunableLinears() {
    }

    public static List<Linear> of(VitStructure s) {
        Map<String, Linear> byNode = new LinkedHashMap<>();
        for (TransformerBlock b : s.blocks()) {
            Attention a = b.attention();
            for (Linear l : List.of(a.q(), a.k(), a.v(), a.proj(), b.mlp().fc1(), b.mlp().fc2())) {
                byNode.putIfAbsent(l.name(), l);
            }
        }
        return new ArrayList<>(byNode.values());
    }

    /** The input value of each Linear with its width: what the Gram collector needs. */
    public static Map<String, Integer> inputs(List<Linear> linears) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Linear l : linears) {
            m.putIfAbsent(l.input(), (int) l.inFeatures());
        }
        return m;
    }

    /** Which block a Linear belongs to, or -1. */
    public static int blockOf(VitStructure s, Linear l) {
        for (TransformerBlock b : s.blocks()) {
            if (b.nodes().contains(l.name())) {
                return b.index();
            }
        }
        return -1;
    }
}
