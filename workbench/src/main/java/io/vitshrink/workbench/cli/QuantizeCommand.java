package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.gptq.WeightMethod;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.nonuniform.UniformRangeSearch;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.PlanCost;
import io.vitshrink.quant.plan.PlanJson;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.scheme.QuantScheme;
import io.vitshrink.quant.scheme.SchemePresets;
import io.vitshrink.quant.scheme.SchemeReader;
import io.vitshrink.workbench.eval.EvalResult;
import io.vitshrink.workbench.eval.Evaluator;
import io.vitshrink.workbench.output.HeapWatch;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.quantize.FileHash;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink quantize}: post-training quantization with calibration, export and optional evaluation. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a model after training: calibrate on --calib, write ONNX (deployable QDQ or simulated) "
                + "and its plan, optionally evaluate against the float model.")
public final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M", description = "float ONNX model")
    Path model;

    @Mixin
    CalibrationOptions calibOptions;

    @Option(names = "--w-bits", defaultValue = "8", description = "weight bits, 2–8 (default: ${DEFAULT-VALUE})")
    int wBits;

    @Option(names = "--a-bits", defaultValue = "8", description = "activation bits, 2–16, 0 = weight-only (default: ${DEFAULT-VALUE})")
    int aBits;

    @Option(names = "--observer", defaultValue = "percentile",
            description = "activation ranges: minmax, moving_average, percentile, entropy, mse (default: ${DEFAULT-VALUE})")
    String observer;

    @Option(names = "--weight-range", defaultValue = "mse", description = "weight ranges: minmax or mse (default: ${DEFAULT-VALUE})")
    String weightRange;

    @Option(names = "--granularity",
            description = "weights: per_tensor, per_channel or per_group (default: the scheme's, per_channel for the presets)")
    String granularity;

    @Option(names = "--group-size", defaultValue = "64", description = "group length for per_group (default: ${DEFAULT-VALUE})")
    int groupSize;

    @Option(names = "--scheme", defaultValue = "vit-all",
            description = "what to quantize: vit-all, vit-paper (patch embedding and head at 8 bits), weights-only, "
                    + "or a JSON/YAML scheme file (default: ${DEFAULT-VALUE})")
    String scheme;

    @Option(names = "--reparam", defaultValue = "repq",
            description = "float-exact pass before calibration: repq (RepQ-ViT), smoothquant, none (default: ${DEFAULT-VALUE}; "
                    + "on DeiT-Tiny it turns percentile W8A8 from -1.1 to 0.0 points)")
    String reparam;

    @Option(names = "--softmax-quantizer", defaultValue = "uniform",
            description = "post-Softmax input of attn·V: uniform, log2, logsqrt2, adalog, twin, auto "
                    + "(searched on the consumer product's error; non-uniform kinds need --format simulated) (default: ${DEFAULT-VALUE})")
    String softmaxQuantizer;

    @Option(names = "--gelu-quantizer", defaultValue = "uniform",
            description = "post-GELU input of fc2: uniform, log2, logsqrt2, adalog, twin, auto (default: ${DEFAULT-VALUE})")
    String geluQuantizer;

    @Option(names = "--weight-method", defaultValue = "rtn",
            description = "weights: rtn (round to nearest) or gptq (column by column with error feedback through the "
                    + "inverse Gram matrix of each Linear's calibration input; one more pass over --calib) (default: ${DEFAULT-VALUE})")
    String weightMethod;

    @Option(names = "--uniform-search", defaultValue = "none",
            description = "uniform activation ranges other than the searched post-Softmax/post-GELU ones: none (the "
                    + "observer's) or fpcs (AdaLog's Fast Progressive Combining Search of scale × zero point on the "
                    + "consuming product's error) (default: ${DEFAULT-VALUE})")
    String uniformSearch;

    @Option(names = "--format", defaultValue = "qdq",
            description = "qdq (deployable int8/int4) or simulated (any bit width) (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--matmulnbits", description = "export ≤4-bit MatMul weights as com.microsoft:MatMulNBits (weight-only int4)")
    boolean matMulNBits;

    @Option(names = "--from-plan", paramLabel = "PLAN", description = "rebuild the model from a plan file instead of calibrating")
    Path fromPlan;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "quantized ONNX model to write")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "plan file to write (default: OUT with .plan.json)")
    Path planFile;

    @Option(names = "--eval", paramLabel = "DIR", description = "evaluate the quantized and the float model on these images")
    String eval;

    @Option(names = "--reference", paramLabel = "M0",
            description = "with --eval: compare against this model instead of --model (e.g. the original of a pruned or "
                    + "token-reduced input, so the drop and agreement cover both steps)")
    Path reference;

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
        if (reference != null && eval == null) {
            throw new UserException("--reference needs --eval (it is the model the evaluation compares against)");
        }
        if (fromPlan == null && !calibOptions.given()) {
            throw new UserException("quantize needs --calib DIR (calibration images), or --from-plan PLAN");
        }
        calibOptions.checkSize();
        OptionRanges.imageSize(imageSize);
        OutputPaths outputs = new OutputPaths().input("the input model (--model)", model)
                .input("the input plan (--from-plan)", fromPlan)
                .input("the scheme file (--scheme)", SchemePresets.names().contains(scheme) ? null : Path.of(scheme))
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .input("the calibration manifest (--calib)", calibOptions.manifest())
                .input("the evaluation manifest (--eval)", DataOptions.manifestFile(eval))
                .input("the reference model (--reference)", reference)
                .output("--out", out);
        Path plan = planFile != null ? planFile : out.resolveSibling(out.getFileName().toString().replaceFirst("\\.onnx$", "") + ".plan.json");
        outputs.output(planFile != null ? "--plan" : "the plan file (--out with .plan.json; choose it with --plan)", plan)
                .output("--json", output.json).output("--db", recorder.db);
        Model floatModel = ModelIO.load(model);
        JsonResult result = new JsonResult().put("model", model.getFileName().toString()).put("out", out.getFileName().toString());
        QuantPlan quantPlan;
        Model quantized;
        if (fromPlan != null) {
            quantPlan = PlanJson.read(fromPlan);
            if (!quantPlan.sourceSha256().isEmpty() && !quantPlan.sourceSha256().equals(FileHash.sha256(model))) {
                System.err.println("note: the plan was made for " + (quantPlan.sourceModel().isEmpty() ? "another file"
                        : "'" + quantPlan.sourceModel() + "'") + " (SHA-256 " + quantPlan.sourceSha256()
                        + "), not this exact model file; applying it anyway");
            }
            quantized = PtqPipeline.apply(floatModel, quantPlan, matMulNBits, imageSize);
            checkRuns(quantized);
        } else {
            PtqPipeline.Settings settings = settings();
            DataOptions.Prepared evalSet = eval == null ? null : dataOptions.prepare(eval);
            DataOptions.Prepared calibSet = calibrationSet(evalSet);
            DataOptions.checkFits(floatModel, calibSet.recipe());
            if (evalSet != null) {
                DataOptions.checkFits(floatModel, evalSet.recipe());
            }
            LoaderCalibrationInputs inputs = new LoaderCalibrationInputs(calibSet.dataset(), calibSet.recipe(),
                    dataOptions.loaderOptions().withBatchSize(Math.min(16, dataOptions.batchSize)));
            PtqPipeline.Result r;
            long peakHeap;
            try (PassProgress progress = new PassProgress(inputs.size(), output.quiet); HeapWatch heap = HeapWatch.start()) {
                r = new PtqPipeline(runtime.toRunnerOptions(), progress).run(floatModel, model.getFileName().toString(),
                        FileHash.sha256(model), VersionProvider.version(), inputs, settings);
                peakHeap = heap.peakBytes();
            }
            r.notes().forEach(n -> System.err.println("note: " + n));
            quantPlan = r.plan();
            quantized = r.quantized();
            result.put("calib_images", r.calibrationImages()).put("calib_seconds", r.calibrationSeconds())
                    .put("stats_seconds", r.statisticsSeconds())
                    .put("search_seconds", r.searchSeconds()).put("gptq_seconds", r.gptqSeconds())
                    .put("calib_peak_heap_bytes", peakHeap);
            if (evalSet != null) {
                result.putAll(evaluate(floatModel, quantized, evalSet).json()).put("data", evalSet.source());
            }
        }
        AnalyzedModel floatAnalysis = AnalyzedModel.of(floatModel, imageSize);
        // outputs appear only after everything above succeeded (and were checked before it started)
        boolean planExisted = Files.exists(plan);
        PlanJson.write(quantPlan, plan);
        try {
            ModelIO.save(quantized, out);
        } catch (RuntimeException e) {
            if (!planExisted) {
                Files.deleteIfExists(plan); // no plan without its model
            }
            throw e;
        }
        long size = Files.size(out);
        long floatSize = Files.size(model);
        result.put("format", quantPlan.format())
                .put("w_bits", quantPlan.settings().get("w_bits")).put("a_bits", quantPlan.settings().get("a_bits"))
                .put("observer", quantPlan.settings().get("observer")).put("reparam", quantPlan.settings().get("reparam"))
                .put("scheme", quantPlan.settings().get("scheme"))
                .put("softmax_quantizer", quantPlan.settings().get("softmax_quantizer"))
                .put("gelu_quantizer", quantPlan.settings().get("gelu_quantizer"))
                .put("weight_method", quantPlan.settings().getOrDefault("weight_method", "rtn"))
                .put("uniform_search", quantPlan.settings().getOrDefault("uniform_search", "none"))
                .put("granularity", quantPlan.settings().get("granularity"))
                .put("quantizer_kinds", quantizerKinds(quantPlan))
                .put("quantized_tensors", quantPlan.tensors().size())
                .put("size_bytes", size).put("float_size_bytes", floatSize).put("size_ratio", (double) size / floatSize)
                .put("macs", floatAnalysis.cost().macs())
                .put("bops", PlanCost.bops(floatAnalysis.cost(), quantPlan))
                .put("float_bops", floatAnalysis.cost().bops(32, 32))
                .put("plan", plan.getFileName().toString());
        // reduce, then quantize: a token-reduced input carries its token plan, and the result records both
        String tokenPlan = floatModel.metadata().get(io.vitshrink.prune.tokens.TokenReduction.METADATA_KEY);
        if (tokenPlan != null) {
            result.put("token_plan", tokenPlan);
        }
        print(result);
        result.writeTo(output.json);
        recorder.record(model, result, Map.of("quantize.plan.json", plan));
        return 0;
    }

    private PtqPipeline.Settings settings() {
        QuantScheme s = scheme(scheme, wBits, aBits, granularity, groupSize);
        return new PtqPipeline.Settings(s, ObserverKind.parse(observer), WeightRangeMethod.parse(weightRange),
                PtqPipeline.Reparam.parse(reparam), format, matMulNBits, imageSize, QuantizerChoice.parse(softmaxQuantizer),
                QuantizerChoice.parse(geluQuantizer), WeightMethod.parse(weightMethod), UniformRangeSearch.parse(uniformSearch));
    }

    /** A preset or scheme file at the given widths, with {@code --granularity} (when given) overriding it. */
    static QuantScheme scheme(String scheme, int wBits, int aBits, String granularity, int groupSize) {
        QuantScheme s;
        if (SchemePresets.names().contains(scheme)) {
            s = SchemePresets.get(scheme, wBits, aBits);
        } else if (Files.isRegularFile(Path.of(scheme))) {
            s = SchemeReader.read(Path.of(scheme), wBits, aBits);
        } else {
            throw new UserException("unknown scheme '" + scheme + "': use one of " + SchemePresets.names()
                    + " or the path of a JSON/YAML scheme file");
        }
        if (granularity != null) { // given on the command line: overrides the scheme's
            Granularity g = Granularity.parse(granularity);
            if (g != s.weightGranularity() || g == Granularity.PER_GROUP) {
                s = s.withGranularity(g, groupSize);
            }
        }
        return s;
    }

    /**
     * Runs a model rebuilt from a plan file once (zero images, batch 1) before anything is written: a
     * hand-edited or foreign plan can pass every structural check and still make a graph ONNX Runtime
     * refuses (a value of the wrong type quantized, a scale that does not broadcast).
     */
    private void checkRuns(Model quantized) {
        try (Runner r = Runner.open(quantized, runtime.toRunnerOptions())) {
            r.run(new ShapeProbe(imageSize).zeroInputs(quantized.graph(), 1), List.of(r.outputNames().get(0)));
        } catch (UserException e) {
            throw new UserException("the plan " + fromPlan + " does not fit " + model.getFileName()
                    + ": the rebuilt model does not run (" + e.getMessage() + ")", e);
        }
    }

    /** A seeded sample of the calibration set, without any image that is also evaluated. */
    private DataOptions.Prepared calibrationSet(DataOptions.Prepared evalSet) {
        return calibOptions.sample(dataOptions, evalSet);
    }

    private EvalResult evaluate(Model floatModel, Model quantized, DataOptions.Prepared evalSet) {
        Model against = reference == null ? floatModel : ModelIO.load(reference);
        try (Runner q = Runner.open(quantized, runtime.toRunnerOptions());
                Runner f = Runner.open(against, runtime.toRunnerOptions())) {
            return Evaluator.run(q, f, evalSet.dataset(), evalSet.recipe(), dataOptions.loaderOptions(), output.quiet);
        }
    }

    /** How many tensors each quantizer kind got, e.g. "uniform:86 adalog:12". */
    private static String quantizerKinds(QuantPlan plan) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        plan.tensors().forEach(t -> counts.merge(t.kind(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append(':').append(v));
        return sb.toString();
    }

    private static void print(JsonResult r) {
        System.out.printf("quantized   %s: %s W%sA%s, %s tensors (%s), observer %s, reparam %s%n", r.get("out"), r.get("format"),
                r.get("w_bits"), r.get("a_bits"), r.get("quantized_tensors"), r.get("quantizer_kinds"), r.get("observer"),
                r.get("reparam"));
        System.out.printf("size        %,d bytes (%.1f%% of float %,d)%n", (Long) r.get("size_bytes"),
                100 * (Double) r.get("size_ratio"), (Long) r.get("float_size_bytes"));
        System.out.printf("BOPs        %,d (float: %,d)%n", (Long) r.get("bops"), (Long) r.get("float_bops"));
        if (r.get("calib_images") != null) {
            System.out.printf("calibration %s images in %.1f s%n", r.get("calib_images"), (Double) r.get("calib_seconds"));
        }
        if (r.get("top1") != null) {
            System.out.printf("top-1       %.4f (float %.4f, drop %.2f points)%n", (Double) r.get("top1"),
                    (Double) r.get("reference_top1"), 100 * (Double) r.get("top1_drop"));
        }
        if (r.get("agreement_top1") != null) {
            System.out.printf("agreement   %.4f with float; KL %.5f; logit cosine %.5f%n", (Double) r.get("agreement_top1"),
                    (Double) r.get("kl"), (Double) r.get("logit_cosine"));
        }
        System.out.printf("plan        %s%n", r.get("plan"));
    }
}
