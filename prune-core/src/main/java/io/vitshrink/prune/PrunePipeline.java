package io.vitshrink.prune;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.allocation.LayerSensitivity;
import io.vitshrink.prune.allocation.SparsityAllocator;
import io.vitshrink.prune.calibration.CalibrationImages;
import io.vitshrink.prune.calibration.GramCollector;
import io.vitshrink.prune.calibration.InputGram;
import io.vitshrink.prune.plan.BlockCut;
import io.vitshrink.prune.plan.LayerMask;
import io.vitshrink.prune.plan.PrunePlan;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.structured.StructuredRewrite;
import io.vitshrink.prune.structured.StructuredSelection;
import io.vitshrink.prune.structured.UnitEnergy;
import io.vitshrink.prune.weights.ElementScores;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.WeightPruner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Post-training pruning end to end: one calibration pass for the Gram matrices every step needs
 * (scores, allocation, reconstruction, structured energies), then decisions as a {@link PrunePlan},
 * then the pruned model built by replaying that plan ({@link #apply}) — the same code path a
 * saved plan takes later.
 */
public final class PrunePipeline {
    /** Candidate sparsities of the per-layer sensitivity curves. */
    static final double[] CANDIDATES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    private final RunnerOptions options;
    private final IntConsumer imagesDone;

    public PrunePipeline(RunnerOptions options, IntConsumer imagesDone) {
        this.options = options;
        this.imagesDone = imagesDone;
    }

    /** What a run made. */
    public record Result(PrunePlan plan, Model pruned, int calibrationImages, double calibrationSeconds,
            double solveSeconds, List<String> notes) {
    }

    /**
     * @param images calibration images; may be null when {@link PruneSettings#needsCalibration()} is false
     * @param provenance source model name, SHA-256 and tool version, plus calibration settings to record
     */
    public Result run(Model model, PruneSettings settings, CalibrationImages images, Provenance provenance) {
        AnalyzedModel a = AnalyzedModel.of(model, settings.imageSize());
        VitStructure s = requireVit(a);
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        int[] seen = {0};
        Map<String, InputGram> grams = settings.needsCalibration() ? collect(model, s, images, seen) : Map.of();
        double calibSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        List<LayerMask> masks = List.of();
        List<BlockCut> cuts = List.of();
        if (settings.method().isStructured()) {
            cuts = structuredCuts(a, settings, grams);
        } else {
            Map<String, Double> sparsityOf = layerSparsity(a, settings, grams, notes);
            masks = WeightPruner.masks(model, s, settings.pattern(), settings.score(), sparsityOf, grams, settings.damping());
        }
        Map<String, Object> recorded = new LinkedHashMap<>(settings.toMap());
        recorded.putAll(provenance.calibration());
        PrunePlan plan = new PrunePlan(settings.method().key(), provenance.sourceModel(), provenance.sourceSha256(),
                provenance.toolVersion(), recorded, masks, cuts, Map.of());
        Model pruned = build(a, plan, settings.reconstruction(), grams, settings.damping());
        double solveSeconds = (System.nanoTime() - t1) / 1e9;
        return new Result(plan, pruned, seen[0], calibSeconds, solveSeconds, notes);
    }

    /** Who made a plan from what (recorded in it). */
    public record Provenance(String sourceModel, String sourceSha256, String toolVersion, Map<String, Object> calibration) {
    }

    /**
     * Rebuilds the pruned model from the input model and a plan. A plan with reconstruction needs the
     * calibration images it records ({@code images}); one without needs none.
     */
    public Model apply(Model model, PrunePlan plan, CalibrationImages images) {
        int imageSize = Integer.parseInt(plan.setting("image_size", "224"));
        AnalyzedModel a = AnalyzedModel.of(model, imageSize);
        VitStructure s = requireVit(a);
        Reconstruction r = Reconstruction.parse(plan.setting("reconstruction", "none"));
        double damping = Double.parseDouble(plan.setting("damping", "0.01"));
        Map<String, InputGram> grams = Map.of();
        if (r != Reconstruction.NONE) {
            if (images == null) {
                throw new UserException("the plan reconstructs the kept weights from calibration images; pass the --calib "
                        + "images it records (" + plan.setting("calib", "see its settings") + ")");
            }
            grams = collect(model, s, images, new int[1]);
        }
        return build(a, plan, r, grams, damping);
    }

    private static Model build(AnalyzedModel a, PrunePlan plan, Reconstruction r, Map<String, InputGram> grams, double damping) {
        Model m = a.model();
        if (!plan.layers().isEmpty()) {
            m = WeightPruner.apply(m, a.structure(), plan.layers(), r, grams, damping);
        }
        if (!plan.cuts().isEmpty()) {
            m = StructuredRewrite.apply(m, a.structure(), a.shapes(), plan.cuts(), r == Reconstruction.NONE ? null : grams, damping);
        }
        if (m == a.model()) {
            m = m.copy();
        }
        m.putMetadata("vitshrink.prune_method", plan.method());
        m.putMetadata("vitshrink.prune_settings", new java.util.TreeMap<>(plan.settings()).toString());
        m.putMetadata("vitshrink.source_sha256", plan.sourceSha256());
        return m;
    }

    private Map<String, InputGram> collect(Model model, VitStructure s, CalibrationImages images, int[] seen) {
        if (images == null) {
            throw new UserException("these settings need calibration images (--calib)");
        }
        Map<String, Integer> inputs = PrunableLinears.inputs(PrunableLinears.of(s));
        return new GramCollector(options, n -> {
            seen[0] = n;
            imagesDone.accept(n);
        }).collect(model, inputs, images);
    }

    private static VitStructure requireVit(AnalyzedModel a) {
        if (!a.structure().isVit()) {
            throw new UserException("no transformer block was recognized in the model; pruning needs a recognized ViT "
                    + "(see `vitshrink inspect` for what was not recognized)");
        }
        return a.structure();
    }

    /** Per-Linear sparsity: uniform, or allocated from sensitivity; from --sparsity or --target-macs. */
    private static Map<String, Double> layerSparsity(AnalyzedModel a, PruneSettings settings, Map<String, InputGram> grams,
            List<String> notes) {
        List<Linear> linears = PrunableLinears.of(a.structure());
        Map<String, Double> out = new LinkedHashMap<>();
        if (settings.pattern().isNm()) {
            linears.forEach(l -> out.put(l.name(), settings.pattern().nmSparsity()));
            return out;
        }
        long weights = 0;
        long prunableMacs = 0;
        Map<String, NodeCost> costs = a.cost().byNode();
        for (Linear l : linears) {
            weights += l.inFeatures() * l.outFeatures();
            prunableMacs += costs.get(l.name()).macs();
        }
        long totalMacs = a.cost().effectiveMacs();
        double removeMacs = settings.targetMacs() == null ? Double.NaN : (1 - settings.targetMacs()) * totalMacs;
        if (settings.targetMacs() != null && removeMacs >= 0.9 * prunableMacs) {
            throw new UserException("--target-macs " + settings.targetMacs() + " would remove " + Math.round(100 * removeMacs / prunableMacs)
                    + "% of the prunable Linear MACs (" + Math.round(100.0 * prunableMacs / totalMacs)
                    + "% of the model's); choose a larger fraction");
        }
        if (!settings.allocate()) {
            double sp = settings.sparsity() != null ? settings.sparsity() : removeMacs / prunableMacs;
            linears.forEach(l -> out.put(l.name(), sp));
            return out;
        }
        List<LayerSensitivity> curves = new ArrayList<>();
        for (Linear l : linears) {
            int o = (int) l.outFeatures();
            int i = (int) l.inFeatures();
            float[] w = LinearWeights.read(a.model().graph(), l);
            double[] sc = ElementScores.of(settings.score(), w, o, i, grams.get(l.input()), settings.damping());
            curves.add(LayerSensitivity.measure(l.name(), w, o, i, sc, settings.pattern(),
                    settings.score() != ImportanceScore.MAGNITUDE, grams.get(l.input()), costs.get(l.name()).macs(), CANDIDATES));
        }
        Map<String, Double> allocated = settings.sparsity() != null
                ? SparsityAllocator.allocate(curves, SparsityAllocator.Budget.WEIGHTS, settings.sparsity() * weights)
                : SparsityAllocator.allocate(curves, SparsityAllocator.Budget.MACS, removeMacs);
        StringBuilder sb = new StringBuilder("allocated sparsity per layer:");
        allocated.forEach((k, v) -> sb.append(' ').append(String.format(java.util.Locale.ROOT, "%.1f", v)));
        notes.add(sb.toString());
        return allocated;
    }

    private static List<BlockCut> structuredCuts(AnalyzedModel a, PruneSettings settings, Map<String, InputGram> grams) {
        Map<Integer, double[]> heads = new HashMap<>();
        Map<Integer, double[]> channels = new HashMap<>();
        for (TransformerBlock b : a.structure().blocks()) {
            if (settings.method().removesHeads()) {
                if (b.attention().heads() < 2) {
                    continue;
                }
                Linear proj = b.attention().proj();
                heads.put(b.index(), UnitEnergy.of(a.model().graph(), proj, grams.get(proj.input()), (int) b.attention().headDim()));
            }
            if (settings.method().removesChannels()) {
                Linear fc2 = b.mlp().fc2();
                channels.put(b.index(), UnitEnergy.of(a.model().graph(), fc2, grams.get(fc2.input()), 1));
            }
        }
        long total = a.cost().macs();
        double fraction = settings.targetMacs() != null ? 1 - settings.targetMacs() : settings.sparsity();
        return StructuredSelection.select(a.structure().blocks(), heads, channels, Math.round(fraction * total));
    }
}
