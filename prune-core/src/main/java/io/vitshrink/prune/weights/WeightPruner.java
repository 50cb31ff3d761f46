package io.vitshrink.prune.weights;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.plan.LayerMask;
import io.vitshrink.prune.reconstruct.DenseTarget;
import io.vitshrink.prune.reconstruct.MaskedLeastSquares;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.reconstruct.SparseGptReconstructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Block-structured / unstructured / N:M weight pruning of a ViT's Linears in two steps: {@link #masks}
 * decides what to remove (scores → masks, the data of a plan), {@link #apply} zeroes it and, when
 * asked, reconstructs the remaining weights from the calibration Gram matrices.
 */
public final class WeightPruner {

    private WeightPruner() {
    }

    /**
     * Masks for the given Linears (usually {@link PrunableLinears#of}).
     *
     * @param sparsityOf fraction to remove per Linear node name (ignored for N:M)
     * @param grams Linear input value → Gram matrix (needed for wanda/hessian, may be empty for magnitude)
     */
    public static List<LayerMask> masks(Model model, List<Linear> linears, SparsityPattern pattern, ImportanceScore score,
            Map<String, Double> sparsityOf, Map<String, InputGram> grams, double damping) {
        return masks(model, linears, pattern, score, sparsityOf, grams, damping, false, score != ImportanceScore.MAGNITUDE);
    }

    /**
     * Masks, optionally chosen adaptively during SparseGPT's sweep ({@link AdaptiveMask}, which
     * ignores {@code score}) and with the comparison group chosen.
     *
     * @param perRow compare within each band of output rows (block height; one row for unstructured) instead of the layer
     */
    public static List<LayerMask> masks(Model model, List<Linear> linears, SparsityPattern pattern, ImportanceScore score,
            Map<String, Double> sparsityOf, Map<String, InputGram> grams, double damping, boolean adaptive, boolean perRow) {
        Graph g = model.graph();
        List<LayerMask> out = new ArrayList<>();
        for (Linear l : linears) {
            double sparsity = sparsityOf.getOrDefault(l.name(), 0.0);
            if (!pattern.isNm() && sparsity <= 0) {
                continue;
            }
            int o = (int) l.outFeatures();
            int i = (int) l.inFeatures();
            float[] w = LinearWeights.read(g, l);
            if (adaptive) {
                InputGram gram = grams.get(l.input());
                if (gram == null) {
                    throw new IllegalArgumentException("no Gram matrix for the input of " + l.name());
                }
                out.add(LayerMask.of(l.name(), l.weight(), AdaptiveMask.select(w, o, i, gram.matrix(), damping, pattern, sparsity,
                        perRow, AdaptiveMask.DEFAULT_CHUNK)));
                continue;
            }
            double[] sc = ElementScores.of(score, w, o, i, grams.get(l.input()), damping);
            out.add(LayerMask.of(l.name(), l.weight(), MaskSelector.select(sc, o, i, pattern, sparsity, perRow)));
        }
        return out;
    }

    /**
     * A copy of {@code model} whose given Linears are refitted toward the dense model's outputs
     * ({@link DenseTarget}): each weight becomes argmin ‖X̃w − ((1 − a)X̃ + aX)w₀‖² (damped toward
     * w₀), the starting point of the masks and reconstruction that follow.
     *
     * @param grams X̃ᵀX̃ per Linear input value
     * @param crosses X̃ᵀX per Linear input value
     * @param weight a, the dense output's share of the target (1: the dense output alone)
     */
    public static Model refitToDense(Model model, List<Linear> linears, Map<String, InputGram> grams,
            Map<String, double[]> crosses, double damping, double weight) {
        Model copy = model.copy();
        Graph g = copy.graph();
        for (Linear l : linears) {
            int o = (int) l.outFeatures();
            int i = (int) l.inFeatures();
            float[] w = LinearWeights.read(g, l);
            DenseTarget.refit(w, o, i, grams.get(l.input()).matrix(), crosses.get(l.input()), damping, weight);
            LinearWeights.write(g, l, w, o, i);
        }
        return copy;
    }

    /**
     * A copy of {@code model} with the masks applied (and the kept weights reconstructed unless
     * {@code reconstruction} is NONE, which needs {@code grams}).
     */
    public static Model apply(Model model, VitStructure s, List<LayerMask> masks, Reconstruction reconstruction,
            Map<String, InputGram> grams, double damping) {
        Model copy = model.copy();
        Graph g = copy.graph();
        Map<String, Linear> byName = new HashMap<>();
        PrunableLinears.of(s).forEach(l -> byName.put(l.name(), l));
        for (LayerMask m : masks) {
            Linear l = byName.get(m.linear());
            if (l == null) {
                throw new UserException("the plan prunes '" + m.linear() + "', which is not a prunable Linear of this model");
            }
            if (l.outFeatures() != m.out() || l.inFeatures() != m.in() || !l.weight().equals(m.weight())) {
                throw new UserException("the plan's layer '" + m.linear() + "' is " + m.out() + "×" + m.in() + " weight '"
                        + m.weight() + "', the model's is " + l.outFeatures() + "×" + l.inFeatures() + " '" + l.weight() + "'");
            }
            float[] original = LinearWeights.read(g, l);
            InputGram gram = grams.get(l.input());
            if (reconstruction != Reconstruction.NONE && gram == null) {
                throw new IllegalArgumentException("no Gram matrix for the input of " + l.name());
            }
            float[] w = pruned(original, m.toMask().elements(), m.out(), m.in(), reconstruction, gram, damping);
            LinearWeights.write(g, l, w, m.out(), m.in());
        }
        return copy;
    }

    /**
     * One layer's weights ({@code [out, in]}) with the {@code pruned} entries removed: zeroed, or with
     * the kept ones reconstructed from the layer input's Gram matrix (needed unless {@code reconstruction}
     * is NONE).
     */
    public static float[] pruned(float[] original, boolean[] pruned, int out, int in, Reconstruction reconstruction,
            InputGram gram, double damping) {
        float[] w = original.clone();
        if (reconstruction == Reconstruction.NONE) {
            for (int k = 0; k < w.length; k++) {
                if (pruned[k]) {
                    w[k] = 0f;
                }
            }
        } else if (reconstruction == Reconstruction.EXACT) {
            MaskedLeastSquares.solve(w, original, pruned, out, in, gram.matrix(), damping);
        } else {
            SparseGptReconstructor.solve(w, original, pruned, out, in, gram.matrix(), damping);
        }
        return w;
    }
}
