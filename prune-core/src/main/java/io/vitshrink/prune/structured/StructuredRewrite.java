package io.vitshrink.prune.structured;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.plan.BlockCut;
import io.vitshrink.prune.reconstruct.MaskedLeastSquares;
import io.vitshrink.prune.weights.LinearWeights;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Physically removes attention heads (their q/k/v rows and proj columns) and MLP hidden channels
 * (fc1 rows, fc2 columns) from a copy of the model, fixing every dependent shape constant
 * ({@link AttentionShapeFixer}), so the exported model does fewer MACs. Optionally the layer that
 * reads the removed units (proj, fc2) is reconstructed by least squares on the calibration Gram of
 * its input before its columns are dropped.
 */
public final class StructuredRewrite {

    private StructuredRewrite() {
    }

    /**
     * @param grams Linear input value → Gram matrix, for reconstruction; null or empty for none
     * @param damping relative damping of the reconstruction
     */
    public static Model apply(Model model, VitStructure s, ValueShapes shapes, List<BlockCut> cuts,
            Map<String, InputGram> grams, double damping) {
        Model copy = model.copy();
        Graph g = copy.graph();
        Set<String> changed = new HashSet<>();
        for (BlockCut cut : cuts) {
            if (cut.block() >= s.blocks().size()) {
                throw new UserException("the plan cuts block " + cut.block() + ", but the model has " + s.blocks().size());
            }
            TransformerBlock b = s.blocks().get(cut.block());
            if (cut.keptChannels() != null) {
                removeChannels(g, b, cut.keptChannels(), grams, damping);
            }
            if (cut.keptHeads() != null && cut.keptHeads().size() < b.attention().heads()) {
                removeHeads(g, shapes, b.attention(), cut.keptHeads(), grams, damping);
                changed.addAll(b.nodes()); // node names; outputs collected below
            }
            if (cut.keptChannels() != null) {
                changed.addAll(b.nodes());
            }
        }
        // declared intermediate shapes (value_info) of edited blocks no longer hold: let ORT infer them
        for (var n : g.nodes()) {
            if (changed.contains(n.name())) {
                n.outputs().forEach(o -> {
                    if (!g.isGraphOutput(o)) {
                        g.removeValueInfo(o);
                    }
                });
            }
        }
        g.removeDeadNodes();
        return copy;
    }

    private static void removeChannels(Graph g, TransformerBlock b, List<Integer> kept, Map<String, InputGram> grams,
            double damping) {
        Linear fc1 = b.mlp().fc1();
        Linear fc2 = b.mlp().fc2();
        int hidden = (int) fc1.outFeatures();
        checkIndices(kept, hidden, "channel", b.index());
        int[] keep = kept.stream().mapToInt(Integer::intValue).toArray();
        keepRows(g, fc1, keep);
        keepColumns(g, fc2, keep, grams, damping);
    }

    private static void removeHeads(Graph g, ValueShapes shapes, Attention a, List<Integer> kept, Map<String, InputGram> grams,
            double damping) {
        int heads = (int) a.heads();
        int d = (int) a.headDim();
        checkIndices(kept, heads, "head", -1);
        if (a.positionBias()) {
            throw new UserException("attention '" + a.softmax().name() + "' adds a position bias per head; "
                    + "head removal supports plain ViT attention only (use --method channels)");
        }
        int[] perPart = new int[kept.size() * d];
        for (int i = 0; i < kept.size(); i++) {
            for (int e = 0; e < d; e++) {
                perPart[i * d + e] = kept.get(i) * d + e;
            }
        }
        if (a.fusedQkv()) {
            int c = heads * d;
            int[] rows = new int[3 * perPart.length];
            for (int p = 0; p < 3; p++) {
                for (int i = 0; i < perPart.length; i++) {
                    rows[p * perPart.length + i] = p * c + perPart[i];
                }
            }
            keepRows(g, a.q(), rows);
        } else {
            keepRows(g, a.q(), perPart);
            keepRows(g, a.k(), perPart);
            keepRows(g, a.v(), perPart);
        }
        new AttentionShapeFixer(g, shapes).fix(a, heads, kept.size());
        keepColumns(g, a.proj(), perPart, grams, damping);
    }

    private static void checkIndices(List<Integer> kept, int count, String what, int block) {
        if (kept.isEmpty() || kept.get(kept.size() - 1) >= count) {
            throw new UserException("the plan keeps " + what + "s " + kept + (block >= 0 ? " of block " + block : "")
                    + ", but there are " + count);
        }
    }

    /** Keeps the given output rows of a Linear (and of its bias). */
    private static void keepRows(Graph g, Linear l, int[] rows) {
        int in = (int) l.inFeatures();
        float[] w = LinearWeights.read(g, l);
        float[] out = new float[rows.length * in];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(w, rows[i] * in, out, i * in, in);
        }
        LinearWeights.write(g, l, out, rows.length, in);
        if (l.bias() != null) {
            Tensor b = g.initializer(l.bias()).orElseThrow(() -> new UserException(
                    "the bias of '" + l.name() + "' is not an initializer; vitshrink cannot shrink it"));
            float[] v = b.toFloats();
            float[] nb = new float[rows.length];
            for (int i = 0; i < rows.length; i++) {
                nb[i] = v[rows[i]];
            }
            g.replaceInitializer(l.bias(), Tensor.ofFloats(l.bias(), new long[] {rows.length}, nb));
        }
    }

    /** Keeps the given input columns of a Linear, reconstructing it first when a Gram matrix is given. */
    private static void keepColumns(Graph g, Linear l, int[] cols, Map<String, InputGram> grams, double damping) {
        int out = (int) l.outFeatures();
        int in = (int) l.inFeatures();
        float[] w = LinearWeights.read(g, l);
        InputGram gram = grams == null ? null : grams.get(l.input());
        if (gram != null) {
            boolean[] keep = new boolean[in];
            for (int c : cols) {
                keep[c] = true;
            }
            boolean[] pruned = new boolean[out * in];
            for (int r = 0; r < out; r++) {
                for (int c = 0; c < in; c++) {
                    pruned[r * in + c] = !keep[c];
                }
            }
            float[] rec = w.clone();
            MaskedLeastSquares.solve(rec, w, pruned, out, in, gram.matrix(), damping);
            w = rec;
        }
        float[] nw = new float[out * cols.length];
        for (int r = 0; r < out; r++) {
            for (int i = 0; i < cols.length; i++) {
                nw[r * cols.length + i] = w[r * in + cols[i]];
            }
        }
        LinearWeights.write(g, l, nw, out, cols.length);
    }
}
