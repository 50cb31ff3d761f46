package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.prune.PruneMethod;
import io.vitshrink.prune.PrunePipeline;
import io.vitshrink.prune.PruneSettings;
import io.vitshrink.prune.allocation.AllocationMeasure;
import io.vitshrink.prune.calibration.CalibrationImages;
import io.vitshrink.prune.calibration.CroppedViews;
import io.vitshrink.prune.calibration.LoaderImages;
import io.vitshrink.prune.plan.PrunePlan;
import io.vitshrink.prune.plan.PrunePlanJson;
import io.vitshrink.prune.reconstruct.Reconstruction;
import io.vitshrink.prune.refine.RefineSettings;
import io.vitshrink.prune.refine.StepSchedule;
import io.vitshrink.prune.weights.ImportanceScore;
import io.vitshrink.prune.weights.LinearWeights;
import io.vitshrink.prune.weights.PrunableLinears;
import io.vitshrink.prune.weights.SparsityPattern;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.workbench.eval.EvalResult;
import io.vitshrink.workbench.eval.Evaluator;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.quantize.FileHash;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink prune}: post-training weight pruning and structured removal, with export, plan and optional evaluation. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Prune a model after training: block/N:M weight sparsity or head/channel removal, steered by --calib; "
                + "write ONNX and its plan, optionally quantize afterwards and evaluate against the input model.")
public final class PruneCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M", description = "float ONNX model")
    Path model;

    @Mixin
    CalibrationOptions calibOptions;

    @Option(names = "--method", defaultValue = "block",
            description = "block, nm, heads, channels, structured (heads and channels) (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--block", paramLabel = "PATTERN",
            description = "block ROWSxCOLS (1x1 = unstructured, 1x4, 4x4, 8x8, 16x16, 32x32) or N:M (2:4); "
                    + "default 1x1 for block, 2:4 for nm")
    String block;

    @Option(names = "--score", defaultValue = "wanda", description = "magnitude, wanda, hessian, ria (default: ${DEFAULT-VALUE})")
    String score;

    @Option(names = "--sparsity", paramLabel = "S",
            description = "fraction of the blocks' Linear weights to remove (block); of the model's MACs (heads/channels/structured)")
    Double sparsity;

    @Option(names = "--target-macs", paramLabel = "F",
            description = "the pruned model's effective MACs as a fraction of the input's (0.8 = 20%% fewer)")
    Double targetMacs;

    @Option(names = "--reconstruct", description = "update the kept weights by least squares on the calibration activations")
    boolean reconstruct;

    @Option(names = "--reconstruct-method", defaultValue = "exact",
            description = "with --reconstruct: exact (masked least squares per row) or sparsegpt (column-by-column OBS) "
                    + "(default: ${DEFAULT-VALUE})")
    String reconstructMethod;

    @Option(names = "--damping", defaultValue = "0.01", description = "relative damping of XᵀX (default: ${DEFAULT-VALUE})")
    double damping;

    @Option(names = "--one-shot",
            description = "with --reconstruct: calibrate once on the dense model instead of block by block on the pruned one "
                    + "(faster: 1 pass instead of one per block; less accurate)")
    boolean oneShot;

    @Option(names = "--layer-by-layer",
            description = "with --reconstruct: also inside each block, measure every Linear's input after the Linears before it "
                    + "were pruned (q/k/v → proj → fc1 → fc2; 4 short passes per block instead of 1)")
    boolean layerByLayer;

    @Option(names = "--adaptive-mask",
            description = "with --reconstruct: choose the mask during SparseGPT's OBS sweep, 128 input columns at a time, from "
                    + "the already-updated weights (w²/[H⁻¹]_jj), instead of from --score before reconstruction")
    boolean adaptiveMask;

    @Option(names = "--dense-target", arity = "0..1", fallbackValue = "1", defaultValue = "0", paramLabel = "A",
            description = "with block-by-block --reconstruct: refit each layer toward the dense model's outputs, "
                    + "min ‖X̃w − ((1 − A)X̃ + AX)w₀‖² (X̃ the pruned model's inputs, X the dense model's; A defaults to 1 when the "
                    + "option is given), so that every layer also corrects the drift of the layers before it")
    double denseTarget;

    @Option(names = "--refine-steps", defaultValue = "0", paramLabel = "N",
            description = "with block-by-block --reconstruct: after each block is pruned and reconstructed, N Adam steps on "
                    + "the kept weights and biases of its attention, then of its MLP, toward the dense outputs on the "
                    + "calibration images (every 8th image held out; the best held-out parameters are kept); 0 = off")
    int refineSteps;

    @Option(names = "--refine-lr", defaultValue = "0.001", paramLabel = "R",
            description = "with --refine-steps: Adam step size relative to the RMS of each weight matrix (default: ${DEFAULT-VALUE})")
    double refineLr;

    @Option(names = "--refine-batch", defaultValue = "16", paramLabel = "B",
            description = "with --refine-steps: calibration images per Adam step (default: ${DEFAULT-VALUE})")
    int refineBatch;

    @Option(names = "--refine-target", defaultValue = "0", paramLabel = "A",
            description = "with --refine-steps: the dense model's residual stream's share of the target; 0 = the dense "
                    + "sub-block's output on the pruned model's input, 1 = the dense model's stream itself, so each sub-block "
                    + "also cancels drift left by the blocks before it (default: ${DEFAULT-VALUE})")
    double refineTarget;

    @Option(names = "--refine-cls-weight", defaultValue = "1", paramLabel = "W",
            description = "with --refine-steps, when the classifier reads the class token alone: weight of the class "
                    + "token's error against each patch token's (default: ${DEFAULT-VALUE})")
    double refineClsWeight;

    @Option(names = "--refine-window", defaultValue = "0", paramLabel = "K",
            description = "with block-by-block --reconstruct: after every K blocks are pruned (and refined one by one with "
                    + "--refine-steps), refine those K blocks together toward the stream after the last of them, the gradient "
                    + "reaching every block in the window; K = the number of blocks refines the whole network toward the "
                    + "stream the classifier reads; 0 = off (default)")
    int refineWindow;

    @Option(names = "--refine-window-steps", paramLabel = "N",
            description = "with --refine-window: Adam steps per window (default: --refine-steps); --refine-lr, --refine-batch, "
                    + "--refine-target and --refine-cls-weight apply too")
    Integer refineWindowSteps;

    @Option(names = "--refine-window-deep", defaultValue = "0", paramLabel = "A",
            description = "with --refine-window: also hold the stream after every block inside a window to the dense blocks' "
                    + "(deep supervision), each at weight A against the last block's 1; 0 = the last block's output alone "
                    + "(default)")
    double refineWindowDeep;

    @Option(names = "--refine-head-weight", defaultValue = "0", paramLabel = "W",
            description = "with --refine-window, when the classifier reads the class token after a final LayerNorm: also "
                    + "hold that LayerNorm's output on the class token (what the classifier reads) to the dense model's in the "
                    + "last window's loss, at weight W against a patch token's 1; 0 = off (default)")
    double refineHeadWeight;

    @Option(names = "--refine-schedule", defaultValue = "constant", paramLabel = "S",
            description = "with --refine-steps or --refine-window: the Adam step size over the steps of each refinement: "
                    + "constant, or cosine (decays to zero by the last step) (default: ${DEFAULT-VALUE})")
    String refineSchedule;

    @Option(names = "--refine-holdout", defaultValue = "8", paramLabel = "N",
            description = "with --refine-steps or --refine-window: hold every N-th calibration image out of the fit and keep "
                    + "the parameters with the lowest error on those; 0 = fit every image and keep the lowest error on them "
                    + "(2, 4, 8 or 16; default: ${DEFAULT-VALUE})")
    int refineHoldout;

    @Option(names = "--refine-regrow", defaultValue = "0", paramLabel = "F",
            description = "with --refine-window and --block 1x1: let the masks move while a window is refined — every few "
                    + "steps each output feature prunes its kept weights with the lowest |w|·rms(gradient) and grows as many "
                    + "pruned ones with the largest mean gradient, first a share F of its kept weights, decaying to none by "
                    + "3/4 of the steps (sparsity unchanged); 0 = masks as decided (default; 0.1 cost DeiT-Tiny 3 points)")
    double refineRegrow;

    @Option(names = "--refine-mixup", defaultValue = "0", paramLabel = "P",
            description = "with --refine-window: replace a share P of every window step's images by blends λ·a + (1−λ)·b of "
                    + "two calibration images' input streams (λ uniform), labelled by the dense window, so the blocks fit the "
                    + "dense ones between the calibration images too; 0 = off (default)")
    double refineMixup;

    @Option(names = "--refine-sharpness", defaultValue = "0", paramLabel = "R",
            description = "with --refine-window: sharpness-aware window steps (SAM) — each step's gradient is taken where the "
                    + "loss is higher, every weight moved up the gradient by R times its layer's weight RMS, so the fit settles "
                    + "where the loss is flat; twice the window's time; 0 = plain steps (default; 0.01 and 0.05 cost DeiT-Tiny 2 points)")
    double refineSharpness;

    @Option(names = "--refine-noise", defaultValue = "0", paramLabel = "S",
            description = "with --refine-window: while a window is refined, every attention and MLP reads the stream plus noise "
                    + "of S times each feature's deviation (fresh at every step; the residual stream itself stays clean), so the "
                    + "blocks learn to give the dense output from inputs that are off, as they are on images not calibrated on; "
                    + "0 = off (default; 0.1 cost DeiT-Tiny 1.4 points)")
    double refineNoise;

    @Option(names = "--mlp-sparsity", paramLabel = "S",
            description = "--method block with --sparsity: prune the MLPs' Linears (fc1, fc2) to S and the attention's "
                    + "(q/k/v, proj) to whatever keeps the overall --sparsity")
    Double mlpSparsity;

    @Option(names = "--calib-mirror",
            description = "also calibrate on the horizontal mirror of every calibration image: twice the tokens for "
                    + "reconstruction and refinement from the same images (and twice the time)")
    boolean calibMirror;

    @Option(names = "--calib-views", defaultValue = "0", paramLabel = "N",
            description = "also calibrate on N random resized crops of every calibration image (50–100%% of the area, aspect "
                    + "3:4 to 4:3, mirrored half the time; seeded by --calib-seed): N + 1 times the tokens for reconstruction "
                    + "and refinement from the same images, and N + 1 times the time (default: ${DEFAULT-VALUE})")
    int calibViews;

    @Option(names = "--group", defaultValue = "row",
            description = "comparison group of calibration scores: row (each band of output rows loses the same fraction; Wanda) "
                    + "or layer (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--head-cost", defaultValue = "1", paramLabel = "F",
            description = "heads/structured: rank a head as if it cost F times its MACs (attention is slower per MAC than the "
                    + "Linears in ONNX Runtime; F > 1 trades accuracy for latency) (default: ${DEFAULT-VALUE})")
    double headCost;

    @Option(names = "--allocate", arity = "0..1", fallbackValue = "layer", paramLabel = "MEASURE",
            description = "distribute --sparsity/--target-macs over layers by calibration sensitivity instead of uniformly "
                    + "(block): layer (the default when no value is given) weighs each layer's own output error, network the "
                    + "whole model's KL divergence with the layer pruned and reconstructed alone (minutes on a real model)")
    String allocate;

    @Option(names = "--from-plan", paramLabel = "PLAN", description = "rebuild the model from a prune plan instead of deciding again")
    Path fromPlan;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "pruned ONNX model to write")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "prune plan to write (default: OUT with .plan.json)")
    Path planFile;

    @Option(names = "--eval", paramLabel = "DIR", description = "evaluate the pruned and the input model on these images")
    String eval;

    @Option(names = "--image-size", defaultValue = "224", description = "image size for symbolic input sizes")
    int imageSize;

    @Mixin
    ThenQuantize thenQuantize;

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
        OptionRanges.imageSize(imageSize);
        calibOptions.checkSize();
        PruneSettings settings = fromPlan == null ? settings() : null;
        Path plan = planFile != null ? planFile : sibling(out, ".plan.json");
        Path quantPlan = sibling(out, ".quant.plan.json");
        OutputPaths outputs = new OutputPaths().input("the input model (--model)", model)
                .input("the input plan (--from-plan)", fromPlan)
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .input("the calibration manifest (--calib)", calibOptions.manifest())
                .input("the evaluation manifest (--eval)", DataOptions.manifestFile(eval))
                .output("--out", out)
                .output(planFile != null ? "--plan" : "the plan file (--out with .plan.json; choose it with --plan)", plan)
                .output("--json", output.json).output("--db", recorder.db);
        if (thenQuantize.enabled && fromPlan == null) {
            outputs.output("the quantization plan (--out with .quant.plan.json)", quantPlan);
        }
        Model input = ModelIO.load(model);
        DataOptions.Prepared evalSet = eval == null ? null : dataOptions.prepare(eval);
        PrunePlan prunePlan = fromPlan == null ? null : PrunePlanJson.read(fromPlan);
        String calibSource = calibOptions.given() ? calibOptions.calib : prunePlan == null ? null : (String) prunePlan.settings().get("calib");
        boolean needsImages = fromPlan == null ? settings.needsCalibration() || thenQuantize.enabled
                : !"none".equals(prunePlan.setting("reconstruction", "none"));
        if (needsImages && calibSource == null) {
            throw new UserException("these settings need calibration images: pass --calib DIR");
        }
        DataOptions.Prepared calibSet = null;
        if (needsImages) {
            int size = prunePlan == null ? calibOptions.size : Integer.parseInt(prunePlan.setting("calib_size", "" + calibOptions.size));
            long seed = prunePlan == null ? calibOptions.seed : Long.parseLong(prunePlan.setting("calib_seed", "" + calibOptions.seed));
            calibSet = CalibrationSample.choose(dataOptions, calibSource, prunePlan == null ? evalSet : null, size, seed);
            DataOptions.checkFits(input, calibSet.recipe());
        }
        if (evalSet != null) {
            DataOptions.checkFits(input, evalSet.recipe());
        }
        LoaderImages loaded = calibSet == null ? null : new LoaderImages(calibSet.dataset(), calibSet.recipe(),
                dataOptions.loaderOptions().withBatchSize(Math.min(16, dataOptions.batchSize)));
        boolean mirror = prunePlan == null ? calibMirror : Boolean.parseBoolean(prunePlan.setting("calib_mirror", "false"));
        int views = prunePlan == null ? calibViews : Integer.parseInt(prunePlan.setting("calib_views", "0"));
        long viewSeed = prunePlan == null ? calibOptions.seed : Long.parseLong(prunePlan.setting("calib_seed", "0"));
        CalibrationImages images = loaded == null || views == 0 ? loaded : CroppedViews.of(loaded, views, viewSeed);
        images = images == null || !mirror ? images : CalibrationImages.withMirrors(images);
        String sha = FileHash.sha256(model);
        JsonResult result = new JsonResult().put("model", model.getFileName().toString()).put("out", out.getFileName().toString());
        Model pruned;
        Model exported;
        QuantPlan quantization = null;
        try (PrunePassProgress progress = new PrunePassProgress(loaded == null ? 0 : loaded.size() * (1 + views) * (mirror ? 2 : 1), output.quiet)) {
            PrunePipeline pipeline = new PrunePipeline(runtime.toRunnerOptions(), progress);
            if (prunePlan != null) {
                pruned = pipeline.apply(input, prunePlan, images);
            } else {
                Map<String, Object> calibration = new LinkedHashMap<>();
                if (calibSet != null) {
                    calibration.put("calib", calibSet.source());
                    calibration.put("calib_size", calibSet.dataset().size());
                    calibration.put("calib_seed", calibOptions.seed);
                    if (mirror) {
                        calibration.put("calib_mirror", true);
                    }
                    if (views > 0) {
                        calibration.put("calib_views", views);
                    }
                    calibration.put("preset", calibSet.recipe().name());
                }
                PrunePipeline.Result r = pipeline.run(input, settings,
                        images, new PrunePipeline.Provenance(model.getFileName().toString(), sha, VersionProvider.version(), calibration));
                r.notes().forEach(n -> System.err.println("note: " + n));
                prunePlan = r.plan();
                pruned = r.pruned();
                result.put("calib_images", r.calibrationImages()).put("calib_seconds", r.calibrationSeconds())
                        .put("solve_seconds", r.solveSeconds());
            }
        }
        exported = pruned;
        if (fromPlan != null && !prunePlan.quantization().isEmpty()) {
            Path qp = fromPlan.toAbsolutePath().resolveSibling(prunePlan.quantization().get("plan").toString());
            quantization = PlanJson.read(qp);
            exported = PtqPipeline.apply(pruned, quantization, false, imageSize);
        } else if (thenQuantize.enabled) {
            LoaderCalibrationInputs inputs = new LoaderCalibrationInputs(calibSet.dataset(), calibSet.recipe(),
                    dataOptions.loaderOptions().withBatchSize(Math.min(16, dataOptions.batchSize)));
            PtqPipeline.Result q = thenQuantize.run(pruned, model.getFileName().toString(), sha, inputs,
                    runtime.toRunnerOptions(), imageSize, output.quiet);
            q.notes().forEach(n -> System.err.println("note: " + n));
            quantization = q.plan();
            exported = q.quantized();
            prunePlan = prunePlan.withQuantization(thenQuantize.record(quantPlan.getFileName().toString()));
        }
        if (evalSet != null) {
            try (Runner p = Runner.open(exported, runtime.toRunnerOptions());
                    Runner f = Runner.open(input, runtime.toRunnerOptions())) {
                EvalResult e = Evaluator.run(p, f, evalSet.dataset(), evalSet.recipe(), dataOptions.loaderOptions(), output.quiet);
                result.putAll(e.json()).put("data", evalSet.source());
            }
        }
        putCosts(result, AnalyzedModel.of(input, imageSize), AnalyzedModel.of(pruned, imageSize));
        // outputs appear only after everything above succeeded
        PrunePlanJson.write(prunePlan, plan);
        if (quantization != null && fromPlan == null) {
            PlanJson.write(quantization, quantPlan);
        }
        ModelIO.save(exported, out);
        result.put("method", prunePlan.method())
                .put("pattern", prunePlan.settings().get("pattern"))
                .put("score", prunePlan.settings().get("score"))
                .put("reconstruction", prunePlan.setting("reconstruction", "none"))
                .put("quantized", quantization != null)
                .put("size_bytes", Files.size(out)).put("float_size_bytes", Files.size(model))
                .put("plan", plan.getFileName().toString());
        print(result);
        result.writeTo(output.json);
        recorder.record(model, result, Map.of("prune.plan.json", plan, "prune.quant.plan.json", quantPlan));
        return 0;
    }

    private PruneSettings settings() {
        PruneMethod m = PruneMethod.parse(method);
        SparsityPattern p = SparsityPattern.parse(block != null ? block : m == PruneMethod.NM ? "2:4" : "1x1", "--block");
        Reconstruction r = reconstruct ? Reconstruction.parse(reconstructMethod) : Reconstruction.NONE;
        if (calibViews < 0 || calibViews > 15) {
            throw new UserException("--calib-views must be between 0 and 15, not " + calibViews);
        }
        if (refineWindowSteps != null && refineWindow == 0) {
            throw new UserException("--refine-window-steps needs --refine-window");
        }
        if (!group.equals("row") && !group.equals("layer")) {
            throw new UserException("--group '" + group + "' is not known: use row or layer");
        }
        return new PruneSettings(m, p, ImportanceScore.parse(score), sparsity, targetMacs, r, damping, allocate != null, imageSize, !oneShot,
                layerByLayer, adaptiveMask, denseTarget, group.equals("row"), headCost,
                new RefineSettings(refineSteps, refineLr, refineBatch, refineTarget, calibOptions.seed, refineClsWeight,
                        refineWindow, refineWindow == 0 ? 0 : refineWindowSteps != null ? refineWindowSteps : refineSteps,
                        refineWindowDeep).withSchedule(StepSchedule.parse(refineSchedule)).withHoldout(refineHoldout)
                        .withHeadWeight(refineHeadWeight).withRegrow(refineRegrow).withMixup(refineMixup)
                        .withSharpness(refineSharpness).withNoise(refineNoise))
                .withMlpSparsity(mlpSparsity)
                .withAllocation(allocate == null ? AllocationMeasure.LAYER : AllocationMeasure.parse(allocate));
    }

    /** MACs, effective MACs, parameters and the sparsity of the blocks' Linear weights, before and after. */
    private static void putCosts(JsonResult result, AnalyzedModel before, AnalyzedModel after) {
        long dense = 0;
        for (Linear l : PrunableLinears.of(before.structure())) {
            dense += l.inFeatures() * l.outFeatures();
        }
        long nonzero = 0;
        for (Linear l : PrunableLinears.of(after.structure())) {
            for (float v : LinearWeights.read(after.model().graph(), l)) {
                nonzero += v != 0f ? 1 : 0;
            }
        }
        result.put("sparsity", 1.0 - (double) nonzero / dense)
                .put("macs", after.cost().macs()).put("effective_macs", after.cost().effectiveMacs())
                .put("params", after.cost().params()).put("nonzero_params", after.cost().nonzeroParams())
                .put("float_macs", before.cost().macs()).put("float_params", before.cost().params())
                .put("effective_macs_ratio", (double) after.cost().effectiveMacs() / before.cost().macs());
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName().toString().replaceFirst("\\.onnx$", "") + suffix);
    }

    private static void print(JsonResult r) {
        System.out.printf("pruned      %s: %s%s, sparsity %.1f%% of the blocks' Linear weights, reconstruction %s%s%n",
                r.get("out"), r.get("method"), r.get("pattern") == null ? "" : " " + r.get("pattern") + " (" + r.get("score") + ")",
                100 * (Double) r.get("sparsity"), r.get("reconstruction"), Boolean.TRUE.equals(r.get("quantized")) ? ", then quantized" : "");
        System.out.printf("MACs        %,d dense, %,d effective (%.1f%% of the input's %,d)%n", (Long) r.get("macs"),
                (Long) r.get("effective_macs"), 100 * (Double) r.get("effective_macs_ratio"), (Long) r.get("float_macs"));
        System.out.printf("params      %,d, non-zero %,d (input: %,d)%n", (Long) r.get("params"), (Long) r.get("nonzero_params"),
                (Long) r.get("float_params"));
        if (r.get("calib_images") != null && ((Integer) r.get("calib_images")) > 0) {
            System.out.printf("calibration %s images in %.1f s; decisions and reconstruction %.1f s%n", r.get("calib_images"),
                    (Double) r.get("calib_seconds"), (Double) r.get("solve_seconds"));
        }
        if (r.get("top1") != null) {
            System.out.printf("top-1       %.4f (input model %.4f, drop %.2f points)%n", (Double) r.get("top1"),
                    (Double) r.get("reference_top1"), 100 * (Double) r.get("top1_drop"));
        }
        if (r.get("agreement_top1") != null) {
            System.out.printf("agreement   %.4f with the input model; KL %.5f; logit cosine %.5f%n", (Double) r.get("agreement_top1"),
                    (Double) r.get("kl"), (Double) r.get("logit_cosine"));
        }
        System.out.printf("plan        %s%n", r.get("plan"));
    }
}
