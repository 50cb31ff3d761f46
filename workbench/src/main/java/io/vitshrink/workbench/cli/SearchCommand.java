package io.vitshrink.workbench.cli;

import io.vitshrink.data.sampling.DatasetSplit;
import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.quant.Calibrated;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.mixed.Allocation;
import io.vitshrink.quant.mixed.AllocationProblem;
import io.vitshrink.quant.mixed.Allocator;
import io.vitshrink.quant.mixed.Budget;
import io.vitshrink.quant.mixed.BudgetMeter;
import io.vitshrink.quant.mixed.Frontier;
import io.vitshrink.quant.mixed.FrontierPoint;
import io.vitshrink.quant.mixed.GreedyAllocator;
import io.vitshrink.quant.mixed.KnapsackAllocator;
import io.vitshrink.quant.mixed.Measures;
import io.vitshrink.quant.mixed.MixedPlan;
import io.vitshrink.quant.mixed.QuantUnit;
import io.vitshrink.quant.mixed.QuantUnits;
import io.vitshrink.quant.mixed.SensitivityAnalysis;
import io.vitshrink.quant.mixed.SensitivityTable;
import io.vitshrink.quant.mixed.UnitGrouping;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.scheme.QuantScheme;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.output.Progress;
import io.vitshrink.workbench.quantize.FileHash;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import io.vitshrink.workbench.search.EvaluatedPoint;
import io.vitshrink.workbench.search.FrontierCsv;
import io.vitshrink.workbench.search.HeldOut;
import io.vitshrink.workbench.search.LabeledBatch;
import io.vitshrink.workbench.search.MaxDropSearch;
import io.vitshrink.workbench.search.PlanScorer;
import io.vitshrink.workbench.search.Score;
import io.vitshrink.workbench.search.SensitivityFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink search}: mixed-precision quantization by calibration search. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Mixed precision: measure each layer's sensitivity, allocate bits under a budget (greedy or exact "
                + "knapsack), evaluate the best plans for real, write the frontier and the chosen model.")
public final class SearchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M", description = "float ONNX model")
    Path model;

    @Option(names = "--calib", required = true, paramLabel = "DIR", description = "calibration pool (folder, manifest or shared:NAME)")
    String calib;

    @Option(names = "--calib-size", defaultValue = "256", description = "calibration images (default: ${DEFAULT-VALUE})")
    int calibSize;

    @Option(names = "--holdout", defaultValue = "64",
            description = "held-out images of the pool, disjoint from calibration, for sensitivity and the frontier (default: ${DEFAULT-VALUE})")
    int holdout;

    @Option(names = "--sensitivity-holdout", paramLabel = "S",
            description = "measure the sensitivity table on the first S held-out images only (the ones a search with "
                    + "--holdout S uses, so its table can be reused), the plans on all --holdout images (default: --holdout)")
    Integer sensitivityHoldout;

    @Option(names = "--calib-seed", defaultValue = "0", description = "seed of the calibration / held-out split (default: ${DEFAULT-VALUE})")
    long calibSeed;

    @Option(names = "--eval", paramLabel = "DIR", description = "evaluate the candidate plans for real on these images (top-1 with labels)")
    String eval;

    @Option(names = "--budget", paramLabel = "B",
            description = "avg_bits=B | w_bits=B | a_bits=B | bytes=N | bops=N (K/M/G suffixes; comma-separated to combine). "
                    + "Default with --max-drop: bops of uniform quantization at the widest --bits")
    String budget;

    @Option(names = "--max-drop", paramLabel = "D",
            description = "accuracy-aware mode: the smallest plan whose measured top-1 drop (points; 100 × (1 − agreement) "
                    + "without labels) is at most D")
    Double maxDrop;

    @Option(names = "--bits", defaultValue = "4,5,6,8", split = ",", description = "candidate widths (default: ${DEFAULT-VALUE})")
    List<Integer> bits;

    @Option(names = "--allocator", defaultValue = "dp", description = "dp (exact knapsack) or greedy (MPTQ-ViT style) (default: ${DEFAULT-VALUE})")
    String allocator;

    @Option(names = "--damage-exponents", defaultValue = "1,0.5", split = ",", paramLabel = "P",
            description = "budget mode: the allocator also runs on KL^P for each P in (0, 1] (1: the units' errors add "
                    + "independently, 0.5: they line up); every candidate is measured on the held-out images and the least "
                    + "held-out KL is chosen (default: ${DEFAULT-VALUE})")
    List<Double> damageExponents;

    @Option(names = "--uniform-reference", paramLabel = "BITS", split = ",",
            description = "also measure uniform plans at these widths on the held-out and --eval images, for comparison (never "
                    + "chosen): with the search's --softmax/--gelu-quantizer and, when those are not uniform, with uniform ones")
    List<Integer> uniformReference = new ArrayList<>();

    @Option(names = "--eval-candidates", defaultValue = "all", paramLabel = "WHICH",
            description = "budget mode: measure all candidates at the budget on --eval, or only the chosen one (and the "
                    + "--uniform-reference plans) when every evaluation counts (default: ${DEFAULT-VALUE})")
    String evalCandidates;

    @Option(names = "--group", defaultValue = "tensor", description = "units: tensor, or block (a block's weights share a width, "
            + "its activations another) (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--levels", defaultValue = "8", description = "frontier budgets between the narrowest and widest uniform plans (default: ${DEFAULT-VALUE})")
    int levels;

    @Option(names = "--scheme", defaultValue = "vit-all", description = "what to quantize: vit-all, vit-paper, or a scheme file (default: ${DEFAULT-VALUE})")
    String scheme;

    @Option(names = "--granularity", description = "weights: per_tensor, per_channel or per_group (default: the scheme's)")
    String granularity;

    @Option(names = "--group-size", defaultValue = "64", description = "group length for per_group (default: ${DEFAULT-VALUE})")
    int groupSize;

    @Option(names = "--observer", defaultValue = "percentile", description = "activation ranges (default: ${DEFAULT-VALUE})")
    String observer;

    @Option(names = "--weight-range", defaultValue = "mse", description = "weight ranges: minmax or mse (default: ${DEFAULT-VALUE})")
    String weightRange;

    @Option(names = "--reparam", defaultValue = "repq", description = "repq, smoothquant, none (default: ${DEFAULT-VALUE})")
    String reparam;

    @Option(names = "--softmax-quantizer", defaultValue = "uniform", description = "post-Softmax quantizer at every width: uniform, "
            + "log2, logsqrt2, adalog, twin, auto (default: ${DEFAULT-VALUE})")
    String softmaxQuantizer;

    @Option(names = "--gelu-quantizer", defaultValue = "uniform", description = "post-GELU quantizer at every width (default: ${DEFAULT-VALUE})")
    String geluQuantizer;

    @Option(names = "--sensitivity", paramLabel = "FILE",
            description = "reuse the sensitivity.json of an earlier search (same model, scheme, settings and --bits) "
                    + "instead of measuring it again")
    Path sensitivityFile;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "folder for sensitivity.csv/json, frontier.csv, plans/, chosen.onnx and chosen.plan.json")
    Path out;

    @Option(names = "--image-size", defaultValue = "224", description = "image size for symbolic input sizes")
    int imageSize;

    @Mixin
    OutputOptions output;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    RunRecorder recorder;

    @Override
    public Integer call() throws Exception {
        int[] widths = widths();
        if (calibSize < 1 || holdout < 1) {
            throw new UserException("--calib-size and --holdout must be at least 1");
        }
        if (levels < 0 || levels > 64) {
            throw new UserException("--levels must be between 0 and 64, not " + levels);
        }
        if (maxDrop != null && !(maxDrop >= 0)) {
            throw new UserException("--max-drop must be a number of points ≥ 0, not " + maxDrop);
        }
        for (double p : damageExponents) {
            if (!(p > 0 && p <= 1)) {
                throw new UserException("--damage-exponents: every exponent must be in (0, 1], not " + p);
            }
        }
        for (int b : uniformReference) {
            if (Arrays.stream(widths).noneMatch(w -> w == b)) {
                throw new UserException("--uniform-reference " + b + ": not one of --bits " + Arrays.toString(widths));
            }
        }
        if (sensitivityHoldout != null && (sensitivityHoldout < 1 || sensitivityHoldout > holdout)) {
            throw new UserException("--sensitivity-holdout must be between 1 and --holdout (" + holdout + "), not "
                    + sensitivityHoldout);
        }
        if (!evalCandidates.equals("all") && !evalCandidates.equals("chosen")) {
            throw new UserException("--eval-candidates must be all or chosen, not '" + evalCandidates + "'");
        }
        if (budget == null && maxDrop == null) {
            throw new UserException("search needs --budget (e.g. avg_bits=5, bytes=2M, bops=40G) or --max-drop D");
        }
        Allocator chosenAllocator = Allocator.parse(allocator);
        UnitGrouping grouping = UnitGrouping.parse(group);
        OptionRanges.imageSize(imageSize);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out " + out + " is a file; search writes a folder of results");
        }
        new OutputPaths().input("the input model (--model)", model).input("the sensitivity table (--sensitivity)", sensitivityFile)
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .output("--json", output.json).output("--db", recorder.db);
        long start = System.nanoTime();
        Model floatModel = ModelIO.load(model);
        AnalyzedModel analysis = AnalyzedModel.of(floatModel, imageSize);
        DataOptions.Prepared evalSet = eval == null ? null : dataOptions.prepare(eval);
        DataOptions.Prepared pool = CalibrationSample.pool(dataOptions, calib, evalSet);
        DataOptions.checkFits(floatModel, pool.recipe());
        int calibCount = Math.min(calibSize, pool.dataset().size() - 1);
        DatasetSplit split = DatasetSplit.of(pool.dataset(), calibCount, holdout, calibSeed);
        int widest = widths[widths.length - 1];
        QuantScheme s = QuantizeCommand.scheme(scheme, Math.min(8, widest), widest, granularity, groupSize);
        PtqPipeline.Settings settings = new PtqPipeline.Settings(s, ObserverKind.parse(observer), WeightRangeMethod.parse(weightRange),
                PtqPipeline.Reparam.parse(reparam), "simulated", false, imageSize, QuantizerChoice.parse(softmaxQuantizer),
                QuantizerChoice.parse(geluQuantizer));
        if (!s.quantizesActivations()) {
            throw new UserException("search needs a scheme that quantizes activations (not weights-only)");
        }

        // 1. one calibration; 2. held-out images in memory; 3. sensitivity of every unit at every width
        LoaderCalibrationInputs inputs = new LoaderCalibrationInputs(split.calibration(), pool.recipe(),
                dataOptions.loaderOptions().withBatchSize(Math.min(16, dataOptions.batchSize)));
        Calibrated calibrated;
        try (PassProgress progress = new PassProgress(inputs.size(), output.quiet)) {
            calibrated = new PtqPipeline(runtime.toRunnerOptions(), progress).calibrate(floatModel, inputs, settings);
        }
        calibrated.notes().forEach(n -> System.err.println("note: " + n));
        List<QuantUnit> units = QuantUnits.of(calibrated.targets(), calibrated.workingModel().graph(), analysis.cost(), grouping);
        List<LabeledBatch> held = HeldOut.load(split.evaluation(), pool.recipe(), dataOptions.loaderOptions());
        // the split's permutation is prefix-stable: the first S held-out images are those of a --holdout S search
        List<LabeledBatch> sensitivityHeld = sensitivityHoldout == null || sensitivityHoldout == holdout ? held
                : HeldOut.subset(held, DatasetSplit.of(pool.dataset(), calibCount, sensitivityHoldout, calibSeed).evaluation(),
                        Math.min(16, dataOptions.batchSize));
        int sensitivityImages = sensitivityHeld.stream().mapToInt(b -> b.batch().size()).sum();
        List<String> kinds = units.stream().map(u -> u.targets().stream().map(calibrated::quantizerKind).distinct()
                .collect(java.util.stream.Collectors.joining("+"))).toList();
        SensitivityTable table;
        int sensitivityRuns;
        if (sensitivityFile != null) {
            SensitivityFile.Reuse reuse = SensitivityFile.read(sensitivityFile, units, widths, kinds);
            table = reuse.table();
            if (table.images() != sensitivityImages) {
                throw new UserException("--sensitivity " + sensitivityFile + " was measured on " + table.images()
                        + " held-out images, this search's sensitivity images are " + sensitivityImages
                        + ": pass --sensitivity-holdout " + table.images());
            }
            System.err.println("note: sensitivity read from " + sensitivityFile + " (" + table.images() + " held-out images"
                    + (reuse.remeasured() > 0 ? "; " + reuse.remeasured() + " units measured with other quantizers are measured again"
                    : "") + ")");
            List<QuantUnit> again = new ArrayList<>();
            for (int u = 0; u < units.size(); u++) {
                if (reuse.remeasure()[u]) {
                    again.add(units.get(u));
                }
            }
            if (!again.isEmpty()) {
                table = reuse.merge(measure(calibrated, again, widths, sensitivityHeld));
            }
            sensitivityRuns = again.size() * widths.length;
        } else {
            table = measure(calibrated, units, widths, sensitivityHeld);
            sensitivityRuns = units.size() * widths.length;
        }
        double sensitivitySeconds = (System.nanoTime() - start) / 1e9;
        // written at once: a second search (another budget, --max-drop) can reuse it while this one evaluates
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("sensitivity.csv"), table.toCsv());
        AtomicFiles.writeString(out.resolve("sensitivity.json"), SensitivityFile.toJson(table, kinds));

        // 4. allocation: the frontier, and the candidates at the requested budget
        long evalStart = System.nanoTime();
        AllocationProblem problem = new AllocationProblem(new BudgetMeter(units, analysis.cost()), widths, table.kl());
        Measures widestUniform = problem.meter().measure(problem.bits(problem.uniform(widths.length - 1)));
        Budget requested = budget != null ? Budget.parse(budget)
                : new Budget(Map.of(Budget.Kind.BOPS, (double) widestUniform.bops()));
        List<Allocator> others = List.of(chosenAllocator, chosenAllocator instanceof KnapsackAllocator
                ? new GreedyAllocator() : new KnapsackAllocator());
        List<FrontierPoint> points = maxDrop == null ? atBudget(problem, requested, others) : new ArrayList<>();
        int requestedCount = points.size();
        for (FrontierPoint p : Frontier.build(problem, List.of(chosenAllocator), requested, levels)) {
            if (points.stream().noneMatch(q -> q.allocation().sameBits(p.allocation()))) {
                points.add(p);
            }
        }
        // --uniform-reference: after the frontier, with the search's quantizers (unless already a candidate at
        // the budget, which then counts as the reference) and, when they are not uniform, with uniform ones
        List<Integer> referenceWidths = uniformReference.stream().distinct().sorted().toList();
        int referenceStart = points.size();
        List<Calibrated> sourceOf = new ArrayList<>(java.util.Collections.nCopies(points.size(), calibrated));
        Calibrated plainQuantizers = calibrated.withUniformQuantizers();
        for (Calibrated source : plainQuantizers == calibrated ? List.of(calibrated) : List.of(calibrated, plainQuantizers)) {
            for (int b : referenceWidths) {
                Allocation u = problem.allocation(problem.uniform(Arrays.binarySearch(widths, b)));
                if (source == calibrated && points.subList(0, requestedCount).stream().anyMatch(q -> q.allocation().sameBits(u))) {
                    continue;
                }
                points.add(new FrontierPoint("uniform", requested.between(u.measures(), u.measures(), 0), u));
                sourceOf.add(source);
            }
        }

        // 5. every plan measured for real on the held-out images; candidates on --eval
        PlanScorer heldScorer = PlanScorer.inMemory(held, calibrated.workingModel(), runtime.toRunnerOptions());
        PlanScorer evalScorer = evalSet == null ? heldScorer : PlanScorer.streamed(evalSet.dataset(), evalSet.recipe(),
                dataOptions.loaderOptions(), floatModel, runtime.toRunnerOptions());
        String sha = FileHash.sha256(model);
        String name = model.getFileName().toString();
        List<EvaluatedPoint> evaluated = new ArrayList<>();
        try (Progress p = Progress.start("frontier plans on held-out images", points.size(), output.quiet)) {
            for (int i = 0; i < points.size(); i++) {
                FrontierPoint fp = points.get(i);
                boolean reference = i >= referenceStart;
                Calibrated source = sourceOf.get(i);
                QuantPlan plan = MixedPlan.of(source, units, fp.allocation(), name, sha, VersionProvider.version(), fp.allocator());
                Score h = heldScorer.score(quantize(calibrated.workingModel(), plan));
                evaluated.add(new EvaluatedPoint(String.format(Locale.ROOT, "%02d-%s", i, fileSafe(fp.allocator())), fp, plan,
                        i < requestedCount, reference, quantizers(source), h, null));
                p.advanceTo(i + 1);
            }
        }
        Model working = calibrated.workingModel();
        EvaluatedPoint chosen = maxDrop == null ? bestMeasured(evaluated, requestedCount, evalSet == null ? null : evalScorer, working,
                evalCandidates.equals("all")) : smallestWithinDrop(evaluated, requested, evalSet == null ? null : evalScorer, working);
        for (int i = 0; i < evaluated.size(); i++) {
            EvaluatedPoint e = evaluated.get(i);
            if (!isReference(e, referenceWidths)) {
                continue;
            }
            if (e.eval() == null) {
                e = e.withEval(evalSet == null ? e.heldOut() : evalScorer.score(quantize(working, e.plan())));
                evaluated.set(i, e);
            }
            System.err.printf("reference %s (%s): %s%n", e.id(), e.quantizers(), describe(e.eval()));
        }
        double evaluationSeconds = (System.nanoTime() - evalStart) / 1e9;

        // 6. outputs: plans, tables, and the chosen model rebuilt from its plan alone
        Files.createDirectories(out.resolve("plans"));
        for (EvaluatedPoint e : evaluated) {
            PlanJson.write(e.plan(), out.resolve("plans").resolve(e.id() + ".plan.json"));
        }
        AtomicFiles.writeString(out.resolve("frontier.csv"), FrontierCsv.of(evaluated, chosen.id(), quantizers(calibrated)));
        Path chosenPlan = out.resolve("chosen.plan.json");
        PlanJson.write(chosen.plan(), chosenPlan);
        ModelIO.save(PtqPipeline.apply(floatModel, PlanJson.read(chosenPlan), false, imageSize), out.resolve("chosen.onnx"));

        Measures m = chosen.point().allocation().measures();
        Score sc = chosen.eval();
        JsonResult result = new JsonResult().put("model", name).put("data", evalSet == null ? null : evalSet.source())
                .put("budget", requested.toString()).put("max_drop", maxDrop).put("allocator", chosenAllocator.name())
                .put("bits", Arrays.stream(widths).boxed().toList()).put("grouping", grouping.key()).put("units", units.size())
                .put("softmax_quantizer", calibrated.settings().softmaxQuantizer().key())
                .put("gelu_quantizer", calibrated.settings().geluQuantizer().key())
                .put("calib_images", calibrated.images()).put("holdout_images", held.stream().mapToInt(b -> b.batch().size()).sum())
                .put("sensitivity_holdout_images", table.images())
                .put("sensitivity_runs", sensitivityRuns)
                .put("calib_seconds", calibrated.calibrationSeconds() + calibrated.statisticsSeconds())
                .put("quantizer_search_seconds", calibrated.searchSeconds())
                .put("sensitivity_seconds", sensitivitySeconds).put("evaluation_seconds", evaluationSeconds)
                .put("search_seconds", sensitivitySeconds + evaluationSeconds)
                .put("evaluated_plans", heldScorer.scored() + (evalScorer == heldScorer ? 0 : evalScorer.scored()))
                .put("eval_evaluated_plans", evalScorer == heldScorer ? 0 : evalScorer.scored())
                .put("chosen", chosen.id()).put("chosen_allocator", chosen.point().allocator())
                .put("avg_w_bits", m.avgWeightBits()).put("avg_a_bits", m.avgActivationBits()).put("size_bytes", m.sizeBytes())
                .put("bops", m.bops()).put("bops_uniform_widest", widestUniform.bops())
                .put("float_bops", analysis.cost().bops(32, 32))
                .put("predicted_kl", chosen.point().allocation().predictedDamage())
                .put("top1", sc.top1()).put("reference_top1", sc.referenceTop1())
                .put("top1_drop", sc.referenceTop1() - sc.top1()).put("agreement_top1", sc.agreement()).put("kl", sc.kl())
                .put("heldout_agreement", chosen.heldOut().agreement()).put("heldout_kl", chosen.heldOut().kl())
                .put("damage_exponents", damageExponents)
                .put("references", references(evaluated, referenceWidths))
                .put("out", out.toString()).put("plan", "chosen.plan.json");
        print(result, table);
        result.writeTo(output.json);
        recorder.record(model, result, Map.of("sensitivity.json", out.resolve("sensitivity.json"),
                "frontier.csv", out.resolve("frontier.csv"), "search.quant.plan.json", chosenPlan));
        return 0;
    }

    /**
     * The plans of both allocators at the requested budget, of the chosen allocator under each further damage
     * exponent (its predicted damage given additively again, like every plan's), and the widest uniform plan
     * that fits the budget; a plan already found once is not repeated.
     */
    private List<FrontierPoint> atBudget(AllocationProblem problem, Budget requested, List<Allocator> allocators) {
        List<FrontierPoint> points = new ArrayList<>();
        for (Allocator a : allocators) {
            a.allocate(problem, requested).ifPresent(x -> points.add(new FrontierPoint(a.name(), requested, x)));
        }
        for (double p : damageExponents.stream().distinct().toList()) {
            if (p == 1) {
                continue;
            }
            Allocator a = allocators.get(0);
            a.allocate(problem.withDamageExponent(p), requested).map(x -> problem.allocationOfBits(x.bits()))
                    .filter(x -> points.stream().noneMatch(q -> q.allocation().sameBits(x)))
                    .ifPresent(x -> points.add(new FrontierPoint(a.name() + "^" + exponent(p), requested, x)));
        }
        int[] widths = problem.bitOptions();
        for (int k = widths.length - 1; k >= 0; k--) {
            Allocation u = problem.allocation(problem.uniform(k));
            if (requested.allows(u.measures())) {
                points.add(new FrontierPoint("uniform", requested, u));
                break;
            }
        }
        if (points.isEmpty()) {
            throw new UserException("no plan fits --budget " + budget + ": even every unit at " + widths[0]
                    + " bits measures " + describe(problem.meter().measure(problem.bits(problem.uniform(0)))));
        }
        return points;
    }

    /**
     * Budget mode: of the first {@code count} plans (the candidates at the budget), the one with the least
     * KL on the held-out images is chosen — the images of --eval judge the choice, they do not make it;
     * every candidate is then measured on --eval for the table.
     */
    private static EvaluatedPoint bestMeasured(List<EvaluatedPoint> evaluated, int count, PlanScorer evalScorer, Model working,
            boolean all) {
        int chosen = chooseByHeldOutKl(evaluated.subList(0, count));
        for (int i = 0; i < count; i++) {
            if (!all && i != chosen) {
                continue;
            }
            EvaluatedPoint e = evaluated.get(i);
            e = e.withEval(evalScorer == null ? e.heldOut() : evalScorer.score(quantize(working, e.plan())));
            evaluated.set(i, e);
            System.err.printf("candidate %s: held-out KL %.4f%s; %s%n", e.id(), e.heldOut().kl(), i == chosen ? " (chosen)" : "",
                    describe(e.eval()));
        }
        return evaluated.get(chosen);
    }

    /** Index of the least held-out KL (the first on ties). */
    static int chooseByHeldOutKl(List<EvaluatedPoint> candidates) {
        int best = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.get(i).heldOut().kl() < candidates.get(best).heldOut().kl()) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Accuracy-aware mode: bisection over the allocator's plans within the budget, sorted by the budget's
     * measure, with the widest uniform plan as the last resort. The other uniform plans stay out: they
     * are not on the allocator's frontier and would break the bisection's assumption that a larger
     * plan drops no more than a smaller one.
     */
    private EvaluatedPoint smallestWithinDrop(List<EvaluatedPoint> evaluated, Budget requested, PlanScorer evalScorer,
            Model working) {
        List<Integer> order = new ArrayList<>();
        int widestUniform = -1;
        for (int i = 0; i < evaluated.size(); i++) {
            FrontierPoint p = evaluated.get(i).point();
            if (evaluated.get(i).reference() || !requested.allows(p.allocation().measures())) {
                continue;
            }
            if (!p.allocator().equals("uniform")) {
                order.add(i);
            } else if (widestUniform < 0 || requested.size(p.allocation().measures())
                    > requested.size(evaluated.get(widestUniform).point().allocation().measures())) {
                widestUniform = i;
            }
        }
        if (widestUniform >= 0) {
            order.add(widestUniform);
        }
        order.sort(Comparator.comparingDouble(i -> requested.size(evaluated.get(i).point().allocation().measures())));
        MaxDropSearch.Result r = MaxDropSearch.run(order.size(), maxDrop, j -> {
            EvaluatedPoint e = evaluated.get(order.get(j));
            Score sc = evalScorer == null ? e.heldOut() : evalScorer.score(quantize(working, e.plan()));
            System.err.printf("probe %s (%s): %s%n", e.id(), describe(e.point().allocation().measures()), describe(sc));
            return sc;
        });
        r.measured().forEach((j, sc) -> evaluated.set(order.get(j), evaluated.get(order.get(j)).withEval(sc)));
        if (r.chosen() < 0) {
            throw new UserException("no plan within --budget keeps the drop within " + maxDrop + " points (the widest measured "
                    + (order.isEmpty() ? "nothing" : describe(r.measured().get(order.size() - 1))) + "); widen --bits or the budget");
        }
        return evaluated.get(order.get(r.chosen()));
    }

    private static Model quantize(Model working, QuantPlan plan) {
        return PtqPipeline.rewrite(working, plan.format(), plan.tensors(), false, Map.of());
    }

    /** Every unit at every width on the sensitivity images. */
    private SensitivityTable measure(Calibrated calibrated, List<QuantUnit> units, int[] widths, List<LabeledBatch> images) {
        try (Progress p = Progress.start("sensitivity (" + units.size() + " units × " + widths.length + " widths)",
                (long) units.size() * widths.length, output.quiet)) {
            return new SensitivityAnalysis(runtime.toRunnerOptions()).run(calibrated, units, widths, HeldOut.batches(images),
                    (done, total) -> p.advanceTo(done));
        }
    }

    /** A --uniform-reference plan, or the uniform candidate at the budget that stands for one. */
    private static boolean isReference(EvaluatedPoint e, List<Integer> referenceWidths) {
        return e.reference() || e.requested() && !e.mixed() && referenceWidths.contains(e.point().allocation().bits()[0]);
    }

    /** The plans' power-law quantizers: {@code softmax/gelu} kinds. */
    private static String quantizers(Calibrated c) {
        return c.settings().softmaxQuantizer().key() + "/" + c.settings().geluQuantizer().key();
    }

    /** {@code 0.5} → {@code 0.5}, {@code 1.0} → {@code 1}. */
    private static String exponent(double p) {
        return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }

    /** The allocator label as part of a file name ({@code dp^0.5} → {@code dp-p0.5}). */
    private static String fileSafe(String allocator) {
        return allocator.replace("^", "-p");
    }

    /**
     * The --uniform-reference plans for the JSON (a uniform candidate at the budget of a reference width
     * included): id, widths, quantizers and scores.
     */
    private static List<Map<String, Object>> references(List<EvaluatedPoint> evaluated, List<Integer> referenceWidths) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EvaluatedPoint e : evaluated) {
            if (!isReference(e, referenceWidths)) {
                continue;
            }
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("id", e.id());
            r.put("bits", e.point().allocation().bits()[0]);
            r.put("quantizers", e.quantizers());
            r.put("bops", e.point().allocation().measures().bops());
            r.put("heldout_kl", e.heldOut().kl());
            r.put("heldout_agreement", e.heldOut().agreement());
            Score sc = e.eval();
            r.put("top1", sc.labeled() ? sc.top1() : null);
            r.put("top1_drop", sc.labeled() ? sc.referenceTop1() - sc.top1() : null);
            r.put("agreement_top1", sc.agreement());
            r.put("kl", sc.kl());
            out.add(r);
        }
        return out;
    }

    private int[] widths() {
        TreeSet<Integer> set = new TreeSet<>(bits);
        for (int b : set) {
            if (b < 2 || b > 8) {
                throw new UserException("--bits: every width must be between 2 and 8, not " + b);
            }
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String describe(Measures m) {
        return String.format(Locale.ROOT, "W%.2f A%.2f, %,d bytes, %.2f GBOPs", m.avgWeightBits(), m.avgActivationBits(),
                m.sizeBytes(), m.bops() / 1e9);
    }

    private static String describe(Score s) {
        return s.labeled() ? String.format(Locale.ROOT, "top-1 %.4f (float %.4f, drop %.2f points), agreement %.4f, KL %.4f",
                s.top1(), s.referenceTop1(), 100 * (s.referenceTop1() - s.top1()), s.agreement(), s.kl())
                : String.format(Locale.ROOT, "agreement %.4f, KL %.4f", s.agreement(), s.kl());
    }

    private static void print(JsonResult r, SensitivityTable t) {
        System.out.println("most sensitive units (KL at " + t.bitOptions()[0] + " bits):");
        List<Integer> ranking = t.ranking();
        for (int i = 0; i < Math.min(5, ranking.size()); i++) {
            int u = ranking.get(i);
            System.out.printf(Locale.ROOT, "  %d. %-40s %.4f%n", i + 1, t.units().get(u).name(), t.kl()[u][0]);
        }
        System.out.printf(Locale.ROOT, "chosen      %s (%s): W%.3f A%.3f, %,d bytes, %.3f GBOPs (uniform at the widest bits: %.3f)%n",
                r.get("chosen"), r.get("chosen_allocator"), (Double) r.get("avg_w_bits"), (Double) r.get("avg_a_bits"),
                (Long) r.get("size_bytes"), (Long) r.get("bops") / 1e9, (Long) r.get("bops_uniform_widest") / 1e9);
        if (r.get("top1") != null) {
            System.out.printf(Locale.ROOT, "top-1       %.4f (float %.4f, drop %.2f points)%n", (Double) r.get("top1"),
                    (Double) r.get("reference_top1"), 100 * (Double) r.get("top1_drop"));
        }
        System.out.printf(Locale.ROOT, "agreement   %.4f, KL %.5f%n", (Double) r.get("agreement_top1"), (Double) r.get("kl"));
        System.out.printf(Locale.ROOT, "time        sensitivity %.1f s (incl. calibration %.1f s), evaluation %.1f s; %s plans evaluated; "
                + "quantizer searches %.1f s%n", (Double) r.get("sensitivity_seconds"), (Double) r.get("calib_seconds"),
                (Double) r.get("evaluation_seconds"), r.get("evaluated_plans"), (Double) r.get("quantizer_search_seconds"));
        System.out.println("out         " + r.get("out"));
    }
}
