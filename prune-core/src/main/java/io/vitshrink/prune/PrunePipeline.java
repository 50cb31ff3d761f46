package io.vitshrink.prune;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.cost.NodeCost;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.prune.allocation.AllocationMeasure;
import io.vitshrink.prune.allocation.LayerSensitivity;
import io.vitshrink.prune.allocation.NetworkSensitivity;
import io.vitshrink.prune.allocation.SparsityAllocator;
import io.vitshrink.prune.calibration.BlockwiseGramCollector;
import io.vitshrink.prune.calibration.CalibrationImages;
import io.vitshrink.prune.calibration.GramCollector;
import io.vitshrink.prune.plan.BlockCut;
import io.vitshrink.prune.plan.LayerMask;
import io.vitshrink.prune.plan.PrunePlan;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.refine.BlockRefiner;
import io.vitshrink.prune.refine.ImageValues;
import io.vitshrink.prune.refine.RefineSettings;
import io.vitshrink.prune.refine.StepSchedule;
import io.vitshrink.prune.refine.WindowRefiner;
import io.vitshrink.prune.structured.StructuredRewrite;
import io.vitshrink.prune.structured.StructuredSelection;
import io.vitshrink.prune.structured.UnitEnergy;
import io.vitshrink.prune.weights.ElementScores;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.MaskSelector;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.WeightPruner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final PruneListener listener;
    private int imagesSeen;

    public PrunePipeline(RunnerOptions options, PruneListener listener) {
        this.options = options;
        this.listener = listener;
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
        double calibSeconds = 0;
        Map<String, Object> recorded = new LinkedHashMap<>(settings.toMap());
        recorded.putAll(provenance.calibration());
        List<LayerMask> masks = new ArrayList<>();
        List<BlockCut> cuts = List.of();
        Model pruned;
        if (settings.blockByBlock()) {
            // one-shot statistics only where a decision needs the whole dense model (allocation)
            Map<String, InputGram> dense = settings.allocate() ? collect(model, s, images, "statistics for allocation", 1, 2 + blocks(s))
                    : Map.of();
            calibSeconds += (System.nanoTime() - t0) / 1e9;
            Map<String, Double> sparsityOf = layerSparsity(a, settings, dense, images, notes);
            long tc = System.nanoTime();
            pruned = sequential(model, s, images, settings.reconstruction(), settings.damping(), settings.layerByLayer(),
                    settings.denseTarget(), settings.refine(), notes, settings.allocate() ? 2 : 1,
                    (linears, grams, current) -> WeightPruner.masks(current, linears, settings.pattern(), settings.score(),
                            sparsityOf, grams, settings.damping(), settings.adaptiveMask(), settings.perRow()), masks);
            calibSeconds += (System.nanoTime() - tc) / 1e9; // passes and solves interleave: reported together
            pruned = withMetadata(pruned == model ? model.copy() : pruned, new PrunePlan(settings.method().key(),
                    provenance.sourceModel(), provenance.sourceSha256(), provenance.toolVersion(), recorded, masks, cuts, Map.of()));
        } else {
            Map<String, InputGram> grams = settings.needsCalibration()
                    ? collect(model, s, images, "statistics", 1, 1) : Map.of();
            calibSeconds = (System.nanoTime() - t0) / 1e9;
            if (settings.method().isStructured()) {
                cuts = structuredCuts(a, settings, grams);
            } else {
                Map<String, Double> sparsityOf = layerSparsity(a, settings, grams, images, notes);
                masks = WeightPruner.masks(model, PrunableLinears.of(s), settings.pattern(), settings.score(), sparsityOf, grams,
                        settings.damping(), settings.adaptiveMask(), settings.perRow());
            }
            PrunePlan plan = new PrunePlan(settings.method().key(), provenance.sourceModel(), provenance.sourceSha256(),
                    provenance.toolVersion(), recorded, masks, cuts, Map.of());
            pruned = build(a, plan, settings.reconstruction(), grams, settings.damping());
        }
        PrunePlan plan = new PrunePlan(settings.method().key(), provenance.sourceModel(), provenance.sourceSha256(),
                provenance.toolVersion(), recorded, masks, cuts, Map.of());
        double total = (System.nanoTime() - t0) / 1e9;
        return new Result(plan, pruned, imagesSeen, calibSeconds, total - calibSeconds, notes);
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
        if (r != Reconstruction.NONE && images == null) {
            throw new UserException("the plan reconstructs the kept weights from calibration images; pass the --calib "
                    + "images it records (" + plan.setting("calib", "see its settings") + ")");
        }
        if (r != Reconstruction.NONE && Boolean.parseBoolean(plan.setting("sequential", "false"))) {
            boolean layers = Boolean.parseBoolean(plan.setting("layer_by_layer", "false"));
            double denseTarget = Double.parseDouble(plan.setting("dense_target", "0"));
            RefineSettings refine = new RefineSettings(Integer.parseInt(plan.setting("refine_steps", "0")),
                    Double.parseDouble(plan.setting("refine_lr", "0.001")), Integer.parseInt(plan.setting("refine_batch", "16")),
                    Double.parseDouble(plan.setting("refine_target", "0")), Long.parseLong(plan.setting("refine_seed", "0")),
                    Double.parseDouble(plan.setting("refine_cls_weight", "1")), Integer.parseInt(plan.setting("refine_window", "0")),
                    Integer.parseInt(plan.setting("refine_window_steps", "0")),
                    Double.parseDouble(plan.setting("refine_window_deep", "0")))
                    .withHeadWeight(Double.parseDouble(plan.setting("refine_head_weight", "0")))
                    .withRegrow(Double.parseDouble(plan.setting("refine_regrow", "0")))
                    .withMixup(Double.parseDouble(plan.setting("refine_mixup", "0")))
                    .withSharpness(Double.parseDouble(plan.setting("refine_sharpness", "0")))
                    .withNoise(Double.parseDouble(plan.setting("refine_noise", "0")))
                    .withSchedule(StepSchedule.parse(plan.setting("refine_schedule", "constant")))
                    .withHoldout(Integer.parseInt(plan.setting("refine_holdout", String.valueOf(RefineSettings.DEFAULT_HOLDOUT))));
            Model pruned = sequential(model, s, images, r, damping, layers, denseTarget, refine, new ArrayList<>(), 1,
                    (linears, grams, current) -> {
                java.util.Set<String> names = new java.util.HashSet<>();
                linears.forEach(l -> names.add(l.name()));
                return plan.layers().stream().filter(m -> names.contains(m.linear())).toList();
            }, new ArrayList<>());
            return withMetadata(pruned == model ? model.copy() : pruned, plan);
        }
        Map<String, InputGram> grams = r == Reconstruction.NONE ? Map.of() : collect(model, s, images, "statistics", 1, 1);
        return build(a, plan, r, grams, damping);
    }

    /** Decides the masks of one block from its Gram matrices (on the model pruned so far). */
    private interface BlockDecision {
        List<LayerMask> masks(List<Linear> linears, Map<String, InputGram> grams, Model current);
    }

    /**
     * Block by block: Gram matrices of the block's inputs on the model whose earlier blocks are
     * pruned, masks, reconstruction. Keeps the residual stream between blocks in memory when the
     * blocks are self-contained ({@link BlockwiseGramCollector}), else runs the network per block.
     * The same code serves a new run and a plan's replay, so both compute identical weights. With
     * {@code denseTarget} the dense model's stream is kept too, and each stage's Linears are first
     * refitted toward the dense outputs ({@link WeightPruner#refitToDense}).
     */
    private Model sequential(Model model, VitStructure s, CalibrationImages images, Reconstruction r, double damping,
            boolean layerByLayer, double denseTarget, RefineSettings refine, List<String> notes, int firstPass,
            BlockDecision decision, List<LayerMask> decided) {
        if (images == null) {
            throw new UserException("these settings need calibration images (--calib)");
        }
        List<TransformerBlock> blocks = s.blocks();
        boolean chained = true;
        for (int i = 0; i < blocks.size(); i++) {
            TransformerBlock b = blocks.get(i);
            chained &= (i == 0 || b.input().equals(blocks.get(i - 1).output()))
                    && BlockwiseGramCollector.selfContained(model, b.input(), b.output());
        }
        if (refine.enabled() && !chained) {
            throw new UserException("--refine-steps and --refine-window need transformer blocks that read nothing but their input "
                    + "(timm, Hugging Face and torchvision exports do); this model's blocks do not");
        }
        boolean keepDense = denseTarget > 0 || refine.denseShare() > 0 && refine.enabled();
        boolean readsClassToken = s.head() != null && s.head().pooling() == io.vitshrink.onnx.vit.ClassifierHead.Pooling.CLASS_TOKEN;
        BlockRefiner refiner = refine.subBlocks() ? new BlockRefiner(options, refine, readsClassToken, notes) : null;
        WindowRefiner windows = refine.windows() ? new WindowRefiner(options, refine, readsClassToken, notes) : null;
        BlockwiseGramCollector.Snapshot windowStart = null;
        ImageValues windowInput = null;
        int windowFirst = 0;
        if (denseTarget > 0 && !chained) {
            throw new UserException("--dense-target needs transformer blocks that read nothing but their input "
                    + "(timm, Hugging Face and torchvision exports do); this model's blocks do not");
        }
        int passes = firstPass - 1 + blocks.size() + (chained ? 1 : 0);
        BlockwiseGramCollector kept = new BlockwiseGramCollector(options, n -> {
            imagesSeen = Math.max(imagesSeen, n);
            listener.imagesDone(n);
        });
        int pass = firstPass;
        if (chained) {
            listener.passStarted("embedding", pass++, passes);
            kept.start(model, blocks.get(0).input(), images, keepDense);
        }
        Model pruned = model;
        for (int i = 0; i < blocks.size(); i++) {
            TransformerBlock b = blocks.get(i);
            if (windows != null && i % refine.window() == 0) {
                windowStart = kept.snapshot();
                windowInput = kept.streamValues();
                windowFirst = i;
            }
            // layer by layer: q/k/v, then proj on the pruned attention, fc1, fc2 (only with the kept stream)
            List<List<Linear>> stages = layerByLayer && chained ? stages(blockLinears(s, b)) : List.of(blockLinears(s, b));
            for (int st = 0; st < stages.size(); st++) {
                List<Linear> linears = stages.get(st);
                Map<String, InputGram> grams;
                String what = "block " + b.index() + (stages.size() > 1 ? "." + st : "");
                if (chained) {
                    listener.passStarted(what, pass, passes);
                    if (denseTarget > 0) {
                        BlockwiseGramCollector.Statistics stats = kept.crossProducts(pruned, model, b.input(), b.output(),
                                PrunableLinears.inputs(linears));
                        grams = stats.grams();
                        Map<String, double[]> crosses = new HashMap<>();
                        stats.crosses().forEach((v, c) -> crosses.put(v, c.matrix()));
                        pruned = WeightPruner.refitToDense(pruned, linears, grams, crosses, damping, denseTarget);
                    } else {
                        grams = kept.grams(pruned, b.input(), b.output(), PrunableLinears.inputs(linears));
                    }
                } else {
                    grams = collect(pruned, linears, images, what, pass, passes);
                }
                List<LayerMask> masks = decision.masks(linears, grams, pruned);
                if (!masks.isEmpty()) {
                    pruned = WeightPruner.apply(pruned, s, masks, r, grams, damping);
                    decided.addAll(masks);
                }
                boolean endsAttention = linears.contains(b.attention().proj());
                boolean endsMlp = linears.contains(b.mlp().fc2());
                if (refiner != null && (endsAttention || endsMlp)) {
                    // each sub-block once its last Linear is pruned, so that later stages measure refined inputs
                    Map<String, boolean[]> prunedWeights = new HashMap<>();
                    decided.stream().filter(m -> b.nodes().contains(m.linear()))
                            .forEach(m -> prunedWeights.put(m.linear(), m.toMask().elements()));
                    if (endsAttention) {
                        listener.passStarted("refining block " + b.index() + " attention", pass, passes);
                        pruned = refiner.refineAttention(pruned, model, b, prunedWeights, kept);
                    }
                    if (endsMlp) {
                        listener.passStarted("refining block " + b.index() + " MLP", pass, passes);
                        pruned = refiner.refineMlp(pruned, model, b, prunedWeights, kept);
                    }
                }
            }
            boolean last = i == blocks.size() - 1;
            if (windows != null && ((i + 1) % refine.window() == 0 || last)) {
                List<TransformerBlock> window = blocks.subList(windowFirst, i + 1);
                listener.passStarted("refining blocks " + windowFirst + "–" + i + " together", pass, passes);
                Map<String, boolean[]> prunedWeights = new HashMap<>();
                decided.stream().filter(m -> window.stream().anyMatch(w -> w.nodes().contains(m.linear())))
                        .forEach(m -> prunedWeights.put(m.linear(), m.toMask().elements()));
                ImageValues denseOutput = refine.denseShare() > 0
                        ? kept.denseValues(model, b.input(), List.of(b.output())).get(b.output()) : null;
                LayerNorm classifierNorm = last && readsClassToken && refine.headWeight() > 0 ? s.head().finalNorm() : null;
                if (last && refine.headWeight() > 0 && classifierNorm == null) {
                    notes.add("the classifier's input is not in the last window's loss: the model's head does not read the class "
                            + "token after a final LayerNorm");
                }
                List<String> fetch = classifierNorm == null ? List.of(b.output()) : List.of(b.output(), classifierNorm.output());
                Map<String, ImageValues> after = kept.values(pruned, b.input(), fetch);
                WindowRefiner.ClassifierInput classifier = classifierNorm == null ? null
                        : new WindowRefiner.ClassifierInput(classifierNorm, after.get(classifierNorm.output()));
                Model refined = windows.refine(pruned, model, window, prunedWeights, windowInput, after.get(b.output()), denseOutput,
                        classifier);
                if (refined != pruned && !last) {
                    // the blocks before b changed: their outputs, b's input among them, are computed again
                    kept.rewind(windowStart);
                    for (TransformerBlock earlier : window.subList(0, window.size() - 1)) {
                        kept.advance(refined, earlier.input(), earlier.output());
                    }
                }
                pruned = refined;
            }
            pass++;
            if (chained && !last) {
                kept.advance(pruned, b.input(), b.output());
                if (keepDense) {
                    kept.advanceDense(model, b.input(), b.output());
                }
            }
        }
        return pruned;
    }

    private static Model build(AnalyzedModel a, PrunePlan plan, Reconstruction r, Map<String, InputGram> grams, double damping) {
        Model m = a.model();
        if (!plan.layers().isEmpty()) {
            m = WeightPruner.apply(m, a.structure(), plan.layers(), r, grams, damping);
        }
        if (!plan.cuts().isEmpty()) {
            m = StructuredRewrite.apply(m, a.structure(), a.shapes(), plan.cuts(), r == Reconstruction.NONE ? null : grams, damping);
        }
        return withMetadata(m == a.model() ? m.copy() : m, plan);
    }

    /** Provenance in {@code metadata_props}: what pruned the model, with which settings, from which file. */
    private static Model withMetadata(Model m, PrunePlan plan) {
        m.putMetadata("vitshrink.prune_method", plan.method());
        m.putMetadata("vitshrink.prune_settings", new java.util.TreeMap<>(plan.settings()).toString());
        m.putMetadata("vitshrink.source_sha256", plan.sourceSha256());
        return m;
    }

    private Map<String, InputGram> collect(Model model, VitStructure s, CalibrationImages images, String what, int pass,
            int passes) {
        return collect(model, PrunableLinears.of(s), images, what, pass, passes);
    }

    private Map<String, InputGram> collect(Model model, List<Linear> linears, CalibrationImages images, String what, int pass,
            int passes) {
        if (images == null) {
            throw new UserException("these settings need calibration images (--calib)");
        }
        listener.passStarted(what, pass, passes);
        return new GramCollector(options, n -> {
            imagesSeen = n;
            listener.imagesDone(n);
        }).collect(model, PrunableLinears.inputs(linears), images);
    }

    private static int blocks(VitStructure s) {
        return s.blocks().size();
    }

    /** A block's Linears grouped by shared input, in execution order: [q, k, v], [proj], [fc1], [fc2]. */
    private static List<List<Linear>> stages(List<Linear> linears) {
        Map<String, List<Linear>> byInput = new LinkedHashMap<>();
        linears.forEach(l -> byInput.computeIfAbsent(l.input(), k -> new ArrayList<>()).add(l));
        return new ArrayList<>(byInput.values());
    }

    /** The prunable Linears of one block. */
    private static List<Linear> blockLinears(VitStructure s, TransformerBlock b) {
        return PrunableLinears.of(s).stream().filter(l -> b.nodes().contains(l.name())).toList();
    }

    private static VitStructure requireVit(AnalyzedModel a) {
        if (!a.structure().isVit()) {
            throw new UserException("no transformer block was recognized in the model; pruning needs a recognized ViT "
                    + "(see `vitshrink inspect` for what was not recognized)");
        }
        return a.structure();
    }

    /** Per-Linear sparsity: uniform, or allocated from sensitivity; from --sparsity or --target-macs. */
    private Map<String, Double> layerSparsity(AnalyzedModel a, PruneSettings settings, Map<String, InputGram> grams,
            CalibrationImages images, List<String> notes) {
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
            if (settings.mlpSparsity() != null) {
                splitBetweenMlpAndAttention(a.structure(), linears, weights, sp, settings.mlpSparsity(), out, notes);
            }
            return out;
        }
        SparsityAllocator.Budget budget = settings.sparsity() != null ? SparsityAllocator.Budget.WEIGHTS : SparsityAllocator.Budget.MACS;
        double target = settings.sparsity() != null ? settings.sparsity() * weights : removeMacs;
        Map<String, Double> allocated;
        if (settings.allocation() == AllocationMeasure.NETWORK) {
            Map<String, Long> macs = new LinkedHashMap<>();
            linears.forEach(l -> macs.put(l.name(), costs.get(l.name()).macs()));
            listener.stepsStarted("network sensitivity (" + linears.size() + " layers × " + CANDIDATES.length + " sparsities)",
                    linears.size() * CANDIDATES.length);
            List<LayerSensitivity> curves = NetworkSensitivity.measure(a.model(), linears, macs, CANDIDATES,
                    (l, w, sp) -> prunedAlone(l, w, sp, settings, grams.get(l.input())), images, options, (done, total) -> listener.stepsDone(done));
            allocated = SparsityAllocator.allocateExact(curves, budget, target);
        } else {
            List<LayerSensitivity> curves = new ArrayList<>();
            for (Linear l : linears) {
                int o = (int) l.outFeatures();
                int i = (int) l.inFeatures();
                float[] w = LinearWeights.read(a.model().graph(), l);
                double[] sc = ElementScores.of(settings.score(), w, o, i, grams.get(l.input()), settings.damping());
                curves.add(LayerSensitivity.measure(l.name(), w, o, i, sc, settings.pattern(),
                        settings.score() != ImportanceScore.MAGNITUDE, grams.get(l.input()), costs.get(l.name()).macs(), CANDIDATES));
            }
            allocated = SparsityAllocator.allocate(curves, budget, target);
        }
        StringBuilder sb = new StringBuilder("allocated sparsity per layer:");
        allocated.forEach((k, v) -> sb.append(' ').append(String.format(java.util.Locale.ROOT, "%.1f", v)));
        notes.add(sb.toString());
        return allocated;
    }

    /**
     * One layer pruned inside the dense model, as the network allocation measures it: the run's score
     * and pattern choose the mask, and the run's reconstruction refits the kept weights to the dense
     * layer's output on the dense calibration inputs.
     */
    private static float[] prunedAlone(Linear l, float[] w, double sparsity, PruneSettings settings, InputGram gram) {
        int o = (int) l.outFeatures();
        int i = (int) l.inFeatures();
        double[] sc = ElementScores.of(settings.score(), w, o, i, gram, settings.damping());
        boolean[] pruned = MaskSelector.select(sc, o, i, settings.pattern(), sparsity, settings.perRow()).elements();
        return WeightPruner.pruned(w, pruned, o, i, settings.reconstruction(), gram, settings.damping());
    }

    /** MLP Linears at {@code mlp}; attention Linears at what keeps {@code overall} of {@code weights}. */
    private static void splitBetweenMlpAndAttention(VitStructure s, List<Linear> linears, long weights, double overall, double mlp,
            Map<String, Double> out, List<String> notes) {
        java.util.Set<String> mlpNodes = new java.util.HashSet<>();
        s.blocks().forEach(b -> {
            mlpNodes.add(b.mlp().fc1().name());
            mlpNodes.add(b.mlp().fc2().name());
        });
        long mlpWeights = linears.stream().filter(l -> mlpNodes.contains(l.name())).mapToLong(l -> l.inFeatures() * l.outFeatures()).sum();
        long attentionWeights = weights - mlpWeights;
        double attention = attentionWeights == 0 ? 0 : (overall * weights - mlp * mlpWeights) / attentionWeights;
        if (!(attention >= 0 && attention < 1)) {
            throw new UserException(String.format(java.util.Locale.ROOT, "--mlp-sparsity %.3f with --sparsity %.3f would leave the "
                    + "attention at %.3f: choose values whose split is possible", mlp, overall, attention));
        }
        linears.forEach(l -> out.put(l.name(), mlpNodes.contains(l.name()) ? mlp : attention));
        notes.add(String.format(java.util.Locale.ROOT, "sparsity split: MLP %.3f, attention %.3f (%d and %d weights)", mlp,
                attention, mlpWeights, attentionWeights));
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
        return StructuredSelection.select(a.structure().blocks(), heads, channels, Math.round(fraction * total), settings.headCost());
    }
}
