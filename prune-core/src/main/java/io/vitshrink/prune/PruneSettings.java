package io.vitshrink.prune;

import io.vitshrink.onnx.UserException;
import io.vitshrink.prune.allocation.AllocationMeasure;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.refine.RefineSettings;
import io.vitshrink.prune.refine.StepSchedule;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to prune and how, checked in one place.
 *
 * @param method what is removed
 * @param pattern block/N:M pattern (weight methods)
 * @param score importance score (weight methods; structured removal always uses calibration energy)
 * @param sparsity fraction of the prunable Linear weights to remove (weight methods), or of the
 *     model's MACs to remove (structured); null when {@code targetMacs} is given
 * @param targetMacs the pruned model's effective MACs as a fraction of the input model's (0.8 = −20%), or null
 * @param reconstruction how kept weights are updated
 * @param damping relative damping of H = XᵀX
 * @param allocate distribute the budget over layers by calibration sensitivity instead of uniformly
 * @param imageSize image size for symbolic input sizes
 * @param sequential with reconstruction of weight methods: calibrate block by block on the model
 *     whose earlier blocks are already pruned (SparseGPT's order), so each block corrects the error
 *     the blocks before it left; one pass per block instead of one in total
 * @param layerByLayer with {@code sequential}: also inside a block, measure each Linear's input after
 *     the Linears before it in the block were pruned (q/k/v → proj → fc1 → fc2)
 * @param adaptiveMask with reconstruction (weight methods): choose the mask during SparseGPT's OBS
 *     sweep, chunk by chunk of input columns ({@link io.vitshrink.prune.weights.AdaptiveMask}),
 *     instead of from {@code score} before reconstruction
 * @param denseTarget with sequential calibration: the dense model's share a of the reconstruction
 *     target, ‖X̃w − ((1 − a)X̃ + aX)w₀‖² ({@link io.vitshrink.prune.reconstruct.DenseTarget}); 0 =
 *     the layer's own output on its drifted inputs (the default)
 * @param perRow compare calibration scores within each band of output rows (Wanda's group, the
 *     default) instead of across the layer
 * @param mlpSparsity {@code --method block}: the MLPs' sparsity, the attention's then set so that the
 *     overall {@code sparsity} holds; null = every Linear at {@code sparsity}
 * @param refine gradient refinement of each block after its reconstruction ({@link RefineSettings#OFF} = none)
 * @param headCost structured methods: a head counts this many times its MACs when units are ranked
 *     by energy per MAC (attention runs slower per MAC in ONNX Runtime than the Linears' GEMMs:
 *     small per-head matmuls, Softmax over N² scores), so values above 1 favour removing heads; 1 =
 *     MACs only
 * @param allocation with {@code allocate}: what the sensitivity of a layer is measured as
 */
public record PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
        Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
        boolean sequential, boolean layerByLayer, boolean adaptiveMask, double denseTarget, boolean perRow, double headCost,
        RefineSettings refine, Double mlpSparsity, AllocationMeasure allocation) {

    /** Settings whose allocation (with {@code allocate}) weighs the layers' own output errors. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
            boolean sequential, boolean layerByLayer, boolean adaptiveMask, double denseTarget, boolean perRow, double headCost,
            RefineSettings refine, Double mlpSparsity) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, sequential,
                layerByLayer, adaptiveMask, denseTarget, perRow, headCost, refine, mlpSparsity, AllocationMeasure.LAYER);
    }

    /** The same settings with the allocation (with {@code allocate}) weighing layers by {@code measure}. */
    public PruneSettings withAllocation(AllocationMeasure measure) {
        return new PruneSettings(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize,
                sequential, layerByLayer, adaptiveMask, denseTarget, perRow, headCost, refine, mlpSparsity, measure);
    }

    /** Settings with one sparsity for every Linear. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
            boolean sequential, boolean layerByLayer, boolean adaptiveMask, double denseTarget, boolean perRow, double headCost,
            RefineSettings refine) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, sequential,
                layerByLayer, adaptiveMask, denseTarget, perRow, headCost, refine, null);
    }

    /**
     * The same settings with the MLPs' Linears (fc1, fc2) at sparsity {@code mlp} and the attention's
     * (q/k/v, proj) at whatever keeps the overall {@code --sparsity} of the blocks' Linear weights.
     */
    public PruneSettings withMlpSparsity(Double mlp) {
        return new PruneSettings(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize,
                sequential, layerByLayer, adaptiveMask, denseTarget, perRow, headCost, refine, mlp, allocation);
    }

    /** Settings without block refinement. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
            boolean sequential, boolean layerByLayer, boolean adaptiveMask, double denseTarget, boolean perRow, double headCost) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, sequential,
                layerByLayer, adaptiveMask, denseTarget, perRow, headCost, RefineSettings.OFF);
    }

    /** The same settings with block refinement. */
    public PruneSettings withRefine(RefineSettings r) {
        return new PruneSettings(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize,
                sequential, layerByLayer, adaptiveMask, denseTarget, perRow, headCost, r, mlpSparsity, allocation);
    }

    /** Settings with sequential calibration wherever it applies. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, true, false);
    }

    /** Settings with heads ranked by their MACs alone. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
            boolean sequential, boolean layerByLayer, boolean adaptiveMask, double denseTarget, boolean perRow) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, sequential,
                layerByLayer, adaptiveMask, denseTarget, perRow, 1);
    }

    /** Settings with masks from scores, per-row groups and the layer's own output as target. */
    public PruneSettings(PruneMethod method, SparsityPattern pattern, ImportanceScore score, Double sparsity,
            Double targetMacs, Reconstruction reconstruction, double damping, boolean allocate, int imageSize,
            boolean sequential, boolean layerByLayer) {
        this(method, pattern, score, sparsity, targetMacs, reconstruction, damping, allocate, imageSize, sequential,
                layerByLayer, false, 0, true, 1);
    }

    /** Whether decisions and reconstruction run block by block (weight methods with reconstruction). */
    public boolean blockByBlock() {
        return sequential && !method.isStructured() && reconstruction != Reconstruction.NONE;
    }

    public PruneSettings {
        if (method == PruneMethod.NM && !pattern.isNm()) {
            throw new UserException("--method nm needs an N:M pattern (--block 2:4)");
        }
        if (method == PruneMethod.BLOCK && pattern.isNm()) {
            throw new UserException("--block " + pattern + " is an N:M pattern: use --method nm");
        }
        if (method != PruneMethod.NM) {
            if ((sparsity == null) == (targetMacs == null)) {
                throw new UserException("give exactly one of --sparsity S and --target-macs F");
            }
            if (sparsity != null && !(sparsity > 0 && sparsity < 1)) {
                throw new UserException("--sparsity must be between 0 and 1 (exclusive), not " + sparsity);
            }
            if (targetMacs != null && !(targetMacs > 0 && targetMacs < 1)) {
                throw new UserException("--target-macs must be between 0 and 1 (exclusive; 0.8 = 20% fewer MACs), not " + targetMacs);
            }
        } else if (sparsity != null || targetMacs != null) {
            throw new UserException("an N:M pattern fixes the sparsity (" + pattern + " removes "
                    + Math.round(100 * pattern.nmSparsity()) + "%); drop --sparsity/--target-macs");
        }
        if (allocate && (method == PruneMethod.NM || method.isStructured())) {
            throw new UserException("--allocate applies to --method block (structured removal always ranks units globally)");
        }
        if (allocate && sparsity != null && sparsity > 0.9) {
            throw new UserException("--allocate chooses each layer's sparsity among 0.1 … 0.9: --sparsity must be at most 0.9, not "
                    + sparsity);
        }
        if (adaptiveMask && (method.isStructured() || reconstruction == Reconstruction.NONE)) {
            throw new UserException("--adaptive-mask chooses the mask during reconstruction: it needs --reconstruct and a weight method");
        }
        if (!(denseTarget >= 0 && denseTarget <= 1)) {
            throw new UserException("--dense-target must be in [0, 1] (the dense output's share of the target), not " + denseTarget);
        }
        if (denseTarget > 0 && (method.isStructured() || reconstruction == Reconstruction.NONE || !sequential)) {
            throw new UserException("--dense-target needs --reconstruct with block-by-block calibration (not --one-shot) and a weight method");
        }
        if (!(headCost >= 1 && headCost <= 100)) {
            throw new UserException("--head-cost must be in [1, 100], not " + headCost);
        }
        if (refine == null) {
            refine = RefineSettings.OFF;
        }
        if (allocation == null) {
            allocation = AllocationMeasure.LAYER;
        }
        if (refine.enabled() && (method.isStructured() || reconstruction == Reconstruction.NONE || !sequential)) {
            throw new UserException("--refine-steps and --refine-window refine block by block after reconstruction: they need --reconstruct, "
                    + "a weight method and block-by-block calibration (not --one-shot)");
        }
        if (refine.regrow() > 0 && !(method == PruneMethod.BLOCK && pattern.isUnstructured())) {
            throw new UserException("--refine-regrow moves single weights between kept and pruned: it needs --method block "
                    + "--block 1x1 (unstructured)");
        }
        if (mlpSparsity != null && (method != PruneMethod.BLOCK || sparsity == null || allocate || !(mlpSparsity > 0 && mlpSparsity < 1))) {
            throw new UserException("--mlp-sparsity splits a --sparsity budget of --method block between the MLPs and the "
                    + "attention (not with --allocate or --target-macs) and must be between 0 and 1, not " + mlpSparsity);
        }
        if (!(damping > 0 && damping <= 10)) {
            throw new UserException("--damping must be in (0, 10], not " + damping);
        }
    }

    /** Whether calibration images are needed at all. */
    public boolean needsCalibration() {
        return method.isStructured() || score.needsCalibration() || reconstruction != Reconstruction.NONE || allocate
                || adaptiveMask;
    }

    /** The flat settings a plan records. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.key());
        if (!method.isStructured()) {
            m.put("pattern", pattern.toString());
            m.put("score", score.key());
        }
        if (sparsity != null) {
            m.put("sparsity", sparsity);
        }
        if (targetMacs != null) {
            m.put("target_macs", targetMacs);
        }
        m.put("reconstruction", reconstruction.key());
        m.put("damping", damping);
        m.put("allocate", allocate);
        if (allocate) {
            m.put("allocation", allocation.key());
        }
        m.put("sequential", blockByBlock());
        m.put("layer_by_layer", blockByBlock() && layerByLayer);
        m.put("adaptive_mask", adaptiveMask);
        m.put("dense_target", denseTarget);
        m.put("per_row", perRow);
        if (mlpSparsity != null) {
            m.put("mlp_sparsity", mlpSparsity);
        }
        if (refine.enabled()) {
            m.put("refine_steps", refine.steps());
            m.put("refine_lr", refine.learningRate());
            m.put("refine_batch", refine.imagesPerStep());
            m.put("refine_target", refine.denseShare());
            m.put("refine_seed", refine.seed());
            m.put("refine_cls_weight", refine.classTokenWeight());
            if (refine.schedule() != StepSchedule.CONSTANT) {
                m.put("refine_schedule", refine.schedule().key());
            }
            if (refine.holdoutEvery() != RefineSettings.DEFAULT_HOLDOUT) {
                m.put("refine_holdout", refine.holdoutEvery());
            }
            if (refine.windows()) {
                m.put("refine_window", refine.window());
                m.put("refine_window_steps", refine.windowSteps());
                if (refine.windowDeep() > 0) {
                    m.put("refine_window_deep", refine.windowDeep());
                }
                if (refine.headWeight() > 0) {
                    m.put("refine_head_weight", refine.headWeight());
                }
                if (refine.regrow() > 0) {
                    m.put("refine_regrow", refine.regrow());
                }
                if (refine.mixup() > 0) {
                    m.put("refine_mixup", refine.mixup());
                }
                if (refine.sharpness() > 0) {
                    m.put("refine_sharpness", refine.sharpness());
                }
                if (refine.noise() > 0) {
                    m.put("refine_noise", refine.noise());
                }
            }
        }
        if (method.removesHeads()) {
            m.put("head_cost", headCost);
        }
        m.put("image_size", imageSize);
        return m;
    }
}
