package io.vitshrink.quant;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.calibration.Calibrator;
import io.vitshrink.quant.calibration.FanOut;
import io.vitshrink.quant.calibration.SampleCollector;
import io.vitshrink.quant.nonuniform.NonUniformQuantization;
import io.vitshrink.quant.nonuniform.NonUniformRewriter;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.nonuniform.UniformRangeSearch;
import io.vitshrink.quant.gptq.LayerGrams;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.quant.gptq.StoredLevels;
import io.vitshrink.quant.gptq.WeightMethod;
import io.vitshrink.quant.observers.ActivationObserver;
import io.vitshrink.quant.observers.ChannelStats;
import io.vitshrink.quant.observers.ChannelStatsObserver;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.TensorObserver;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.reparam.ChannelRange;
import io.vitshrink.quant.reparam.ReparamResult;
import io.vitshrink.quant.reparam.Reparameterization;
import io.vitshrink.quant.reparam.Reparameterizations;
import io.vitshrink.quant.reparam.RepQVitReparam;
import io.vitshrink.quant.reparam.SkippedNorm;
import io.vitshrink.quant.reparam.SmoothQuantReparam;
import io.vitshrink.quant.rewrite.QdqRewriter;
import io.vitshrink.quant.rewrite.QuantRewriter;
import io.vitshrink.quant.rewrite.SimulatedRewriter;
import io.vitshrink.quant.scheme.QuantScheme;
import io.vitshrink.quant.scheme.QuantTarget;
import io.vitshrink.quant.scheme.TargetSelector;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Post-training quantization of a float model: optional float-exact reparameterization (from
 * per-channel statistics of the post-LayerNorm activations), target selection by the scheme, one
 * calibration pass feeding every activation observer, weight range search, then the plan — and the
 * exported model is always built by replaying that plan on the input model, so that (input model,
 * plan) reproduces it exactly.
 */
public final class PtqPipeline {

    /** Which float-exact pass runs before calibration. */
    public enum Reparam {
        NONE, REPQ, SMOOTHQUANT;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Reparam parse(String s) {
            for (Reparam r : values()) {
                if (r.key().equals(s.toLowerCase(java.util.Locale.ROOT))) {
                    return r;
                }
            }
            throw new UserException("unknown reparameterization '" + s + "': use none, repq or smoothquant");
        }
    }

    /**
     * @param scheme what to quantize
     * @param observer how activation ranges are chosen
     * @param weightRange how weight ranges are chosen
     * @param reparam float-exact pass before calibration
     * @param format {@code qdq} (deployable) or {@code simulated} (any bit width)
     * @param matMulNBits export ≤4-bit MatMul weights as {@code com.microsoft:MatMulNBits} (qdq only)
     * @param imageSize spatial size for models whose input size is symbolic
     * @param softmaxQuantizer quantizer of the post-Softmax input of attn·V
     * @param geluQuantizer quantizer of the post-GELU input of fc2
     * @param weightMethod round to nearest, or GPTQ on the Gram matrices of the Linear inputs
     * @param uniformSearch how the other (uniform) activation quantizers get their range: the observer's, or
     *     the Fast Progressive Combining Search on the consuming product's error
     */
    public record Settings(QuantScheme scheme, ObserverKind observer, WeightRangeMethod weightRange, Reparam reparam,
            String format, boolean matMulNBits, int imageSize, QuantizerChoice softmaxQuantizer,
            QuantizerChoice geluQuantizer, WeightMethod weightMethod, UniformRangeSearch uniformSearch) {

        public Settings {
            if (!format.equals("qdq") && !format.equals("simulated")) {
                throw new UserException("unknown format '" + format + "': use qdq or simulated");
            }
            if (matMulNBits && !format.equals("qdq")) {
                throw new UserException("MatMulNBits export needs --format qdq");
            }
            if (format.equals("qdq") && (softmaxQuantizer != QuantizerChoice.UNIFORM || geluQuantizer != QuantizerChoice.UNIFORM)) {
                throw new UserException("non-uniform quantizers (log2, logsqrt2, adalog, twin, auto) have no runtime kernels: "
                        + "use --format simulated");
            }
        }

        /** Round-to-nearest weights, observer ranges for the uniform activations. */
        public Settings(QuantScheme scheme, ObserverKind observer, WeightRangeMethod weightRange, Reparam reparam,
                String format, boolean matMulNBits, int imageSize, QuantizerChoice softmaxQuantizer,
                QuantizerChoice geluQuantizer) {
            this(scheme, observer, weightRange, reparam, format, matMulNBits, imageSize, softmaxQuantizer, geluQuantizer,
                    WeightMethod.RTN, UniformRangeSearch.NONE);
        }

        /** The same settings with GPTQ or round-to-nearest weights. */
        public Settings withWeightMethod(WeightMethod m) {
            return new Settings(scheme, observer, weightRange, reparam, format, matMulNBits, imageSize, softmaxQuantizer,
                    geluQuantizer, m, uniformSearch);
        }

        /** The same settings with another range search for the uniform activations. */
        public Settings withUniformSearch(UniformRangeSearch u) {
            return new Settings(scheme, observer, weightRange, reparam, format, matMulNBits, imageSize, softmaxQuantizer,
                    geluQuantizer, weightMethod, u);
        }

        /** Uniform quantizers everywhere (the deployable setting). */
        public Settings(QuantScheme scheme, ObserverKind observer, WeightRangeMethod weightRange, Reparam reparam,
                String format, boolean matMulNBits, int imageSize) {
            this(scheme, observer, weightRange, reparam, format, matMulNBits, imageSize, QuantizerChoice.UNIFORM,
                    QuantizerChoice.UNIFORM);
        }
    }

    /** Images whose raw activations the non-uniform searches look at. */
    static final int SEARCH_IMAGES = 8;

    /** What a run produced. */
    public record Result(QuantPlan plan, Model quantized, List<String> notes, int calibrationImages,
            double calibrationSeconds, double statisticsSeconds, double searchSeconds, double gptqSeconds) {
    }

    /** Progress of the passes over the calibration images. */
    public interface Listener {
        void passStarted(String what, int passes);

        void imagesDone(int images);

        /** A calibration pass ended (the benchmark suite's breakdown of where calibration time goes). */
        default void passFinished(String what, Calibrator.PassStats stats) {
        }
    }

    private final RunnerOptions runnerOptions;
    private final Listener listener;

    public PtqPipeline(RunnerOptions runnerOptions, Listener listener) {
        this.runnerOptions = runnerOptions;
        this.listener = listener;
    }

    public Result run(Model model, String sourceName, String sourceSha256, String toolVersion, CalibrationInputs calibration,
            Settings settings) {
        Calibrated c = calibrate(model, calibration, settings);
        QuantPlan plan = c.plan(sourceName, sourceSha256, toolVersion, t -> t.spec().bits(), Map.of());
        double searchSeconds = c.searchSeconds(); // the plan searched every activation quantizer it needed
        Model quantized = apply(model, plan, settings.matMulNBits(), settings.imageSize());
        return new Result(plan, quantized, c.notes(), c.images(), c.calibrationSeconds(), c.statisticsSeconds(),
                searchSeconds, c.gptqSeconds());
    }

    /**
     * Reparameterization, target selection and the calibration pass, without choosing bit widths: the
     * returned statistics give every target's parameters at any width ({@link Calibrated#quantization}),
     * so that a mixed-precision search calibrates once for all its candidates.
     */
    public Calibrated calibrate(Model model, CalibrationInputs calibration, Settings settings) {
        AnalyzedModel analyzed = AnalyzedModel.of(model, settings.imageSize());
        List<String> notes = new ArrayList<>();
        Calibrator calibrator = new Calibrator(runnerOptions);
        IntConsumer progress = listener::imagesDone;
        int passes = (settings.reparam() == Reparam.NONE || !analyzed.structure().isVit()
                || !settings.scheme().quantizesActivations() ? 1 : 2) + (settings.weightMethod() == WeightMethod.GPTQ ? 1 : 0);

        // 1. float-exact reparameterization from per-channel statistics of the block norms' outputs
        List<Reparameterization> reparams = List.of();
        double statsSeconds = 0;
        Model working = model;
        if (settings.reparam() != Reparam.NONE) {
            if (!analyzed.structure().isVit()) {
                notes.add("reparameterization skipped: no transformer block was recognized");
            } else if (!settings.scheme().quantizesActivations()) {
                notes.add("reparameterization skipped: it equalizes activations, and this scheme quantizes weights only");
            } else {
                Map<String, ChannelStatsObserver> stats = new LinkedHashMap<>();
                for (TransformerBlock b : analyzed.structure().blocks()) {
                    stats.put(b.norm1().output(), new ChannelStatsObserver(b.norm1().output()));
                    stats.put(b.norm2().output(), new ChannelStatsObserver(b.norm2().output()));
                }
                listener.passStarted("statistics for " + settings.reparam().key(), passes);
                Calibrator.PassStats ps = calibrator.run(model, stats, calibration, progress);
                listener.passFinished("statistics", ps);
                statsSeconds = ps.seconds();
                Map<String, ChannelRange> ranges = new LinkedHashMap<>();
                stats.forEach((name, o) -> {
                    ChannelStats cs = o.stats();
                    ranges.put(name, new ChannelRange(cs.min(), cs.max()));
                });
                int aBits = settings.scheme().quantizesActivations() ? settings.scheme().activationBits() : 8;
                ReparamResult r = settings.reparam() == Reparam.REPQ
                        ? RepQVitReparam.run(model, analyzed.structure(), ranges,
                                new RepQVitReparam.Options(Math.min(16, Math.max(2, aBits)), true))
                        : SmoothQuantReparam.run(model, analyzed.structure(), ranges);
                for (SkippedNorm s : r.skipped()) {
                    notes.add("reparameterization skipped " + s.norm() + ": " + s.reason());
                }
                reparams = r.applied();
                working = r.model();
                analyzed = AnalyzedModel.of(working, settings.imageSize());
            }
        }

        // 2. targets, then one calibration pass for every activation
        TargetSelector.Selection selection = TargetSelector.select(analyzed, settings.scheme());
        notes.addAll(selection.notes());
        Map<String, ActivationObserver> observers = new LinkedHashMap<>();
        for (QuantTarget t : selection.targets()) {
            if (t.role() == TensorRole.ACTIVATION) {
                observers.put(t.tensor(), settings.observer().create(t.tensor()));
            }
        }
        // power-law activations to search non-uniform quantizers for, with the other operand of their product
        List<PowerLawTarget> powerLaw = PowerLawTarget.find(analyzed.structure(), observers.keySet(), settings);
        Map<String, SampleCollector> samples = new LinkedHashMap<>();
        for (PowerLawTarget p : powerLaw) {
            samples.computeIfAbsent(p.tensor(), n -> new SampleCollector(n, SEARCH_IMAGES));
            if (p.otherOperand() != null) {
                samples.computeIfAbsent(p.otherOperand(), n -> new SampleCollector(n, SEARCH_IMAGES));
            }
        }
        // uniform activations searched on their consuming product (FPCS): their raw samples and the other operand's
        List<ProductOperand> uniformProducts = List.of();
        if (settings.uniformSearch() == UniformRangeSearch.FPCS && settings.scheme().quantizesActivations()) {
            Set<String> searched = new java.util.HashSet<>();
            powerLaw.forEach(p -> searched.add(p.tensor()));
            uniformProducts = ProductOperand.find(working.graph(), selection.targets(), searched);
            for (ProductOperand p : uniformProducts) {
                samples.computeIfAbsent(p.tensor(), n -> new SampleCollector(n, SEARCH_IMAGES));
                if (p.otherActivation() != null) {
                    samples.computeIfAbsent(p.otherActivation(), n -> new SampleCollector(n, SEARCH_IMAGES));
                }
            }
        }
        Map<String, TensorObserver> feeds = new LinkedHashMap<>(observers);
        samples.forEach((name, collector) -> feeds.merge(name, collector, (a, b) -> new FanOut(List.of(a, b))));
        int images = 0;
        double calibSeconds = 0;
        if (!feeds.isEmpty()) {
            listener.passStarted("calibration (" + observers.size() + " activations, " + settings.observer().key() + ")", passes);
            Calibrator.PassStats ps = calibrator.run(working, feeds, calibration, progress);
            listener.passFinished("calibration", ps);
            images = ps.images();
            calibSeconds = ps.seconds();
        }
        // GPTQ: XᵀX of every Linear input, on the model whose weights are quantized (after the reparameterization)
        Map<String, InputGram> weightGrams = new LinkedHashMap<>();
        double gramSeconds = 0;
        if (settings.weightMethod() == WeightMethod.GPTQ) {
            Model quantized = working;
            Map<String, String> inputOf = GptqInputs.find(quantized.graph(), selection.targets(), notes);
            Map<String, Integer> dims = new LinkedHashMap<>();
            inputOf.forEach((w, in) -> dims.put(in, GptqInputs.inFeatures(quantized.graph(), w, selection.targets())));
            if (!dims.isEmpty()) {
                listener.passStarted("Gram matrices of " + dims.size() + " Linear inputs (GPTQ)", passes);
                LayerGrams.Collected grams = new LayerGrams(runnerOptions).collect(quantized, dims, calibration, progress);
                gramSeconds = grams.seconds();
                inputOf.forEach((w, in) -> weightGrams.put(w, grams.grams().get(in)));
            }
        }
        return new Calibrated(settings, working, reparams, selection.targets(), observers, powerLaw, samples, notes, images,
                calibSeconds, statsSeconds, weightGrams, gramSeconds, uniformProducts);
    }

    /** Rebuilds the quantized model from the float model and a plan (what {@code --from-plan} does). */
    public static Model apply(Model model, QuantPlan plan, boolean matMulNBits, int imageSize) {
        Model working = model;
        if (!plan.reparameterizations().isEmpty()) {
            working = Reparameterizations.apply(model, AnalyzedModel.of(model, imageSize).structure(), plan.reparameterizations());
        }
        checkActivationChannels(working, plan, imageSize);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("vitshrink.tool_version", plan.toolVersion());
        meta.put("vitshrink.source_model", plan.sourceModel());
        meta.put("vitshrink.source_sha256", plan.sourceSha256());
        plan.settings().forEach((k, v) -> meta.put("vitshrink.settings." + k, String.valueOf(v)));
        return rewrite(working, plan.format(), plan.tensors(), matMulNBits, meta);
    }

    /**
     * Inserts the quantizers of {@code tensors} into a model that already carries the plan's
     * reparameterizations (what {@link #apply} does after replaying them); the mixed-precision search
     * uses it to quantize one unit at a time on the reparameterized model.
     */
    public static Model rewrite(Model working, String format, List<TensorQuantization> tensors, boolean matMulNBits,
            Map<String, String> meta) {
        List<TensorQuantization> uniform = tensors.stream().filter(TensorQuantization::isUniform).toList();
        List<NonUniformQuantization> other = tensors.stream().filter(t -> !t.isUniform())
                .map(t -> new NonUniformQuantization(t.tensor(), t.consumers(), t.nonUniform())).toList();
        if (!other.isEmpty() && format.equals("qdq")) {
            throw new UserException("the plan has non-uniform quantizers (" + other.get(0).quantizer().kind()
                    + " on '" + other.get(0).tensor() + "'), which only the simulated format can express");
        }
        QuantRewriter rewriter = format.equals("qdq") ? QdqRewriter.defaults().withMatMulNBits(matMulNBits)
                : SimulatedRewriter.defaults();
        // GPTQ weights: their stored levels written in first, so the rewriter's rounding gives them back exactly
        Model rewritten = rewriter.rewrite(StoredLevels.install(working, tensors), uniform, meta);
        return other.isEmpty() ? rewritten : NonUniformRewriter.rewrite(rewritten, other);
    }

    /**
     * A per-channel activation quantizer must have one scale per channel of the value it reads; unlike a
     * weight's, an activation's shape is only known by running the model, so it is measured here (only
     * when the plan has such an entry: the pipeline itself quantizes activations per tensor).
     */
    private static void checkActivationChannels(Model model, QuantPlan plan, int imageSize) {
        List<TensorQuantization> perChannel = plan.tensors().stream()
                .filter(t -> t.role() == TensorRole.ACTIVATION && t.isUniform() && t.params().count() > 1).toList();
        if (perChannel.isEmpty()) {
            return;
        }
        Set<String> values = model.graph().valueNames();
        if (!perChannel.stream().allMatch(t -> values.contains(t.tensor()))) {
            return; // the rewriter names the missing tensor
        }
        ValueShapes shapes = new ShapeProbe(imageSize).probe(model);
        for (TensorQuantization t : perChannel) {
            long[] dims = shapes.of(t.tensor()).orElse(null);
            if (dims == null) {
                continue;
            }
            int axis = t.params().axis() < 0 ? t.params().axis() + dims.length : t.params().axis();
            if (axis < 0 || axis >= dims.length) {
                throw new UserException("activation '" + t.tensor() + "' of shape " + Arrays.toString(dims)
                        + " has no channel axis " + t.params().axis() + "; was the plan made for another model?");
            }
            if (dims[axis] != t.params().count()) {
                throw new UserException("activation '" + t.tensor() + "' of shape " + Arrays.toString(dims) + " has "
                        + dims[axis] + " channels on axis " + axis + ", but the plan has " + t.params().count()
                        + " scales for it; was the plan made for another model?");
            }
        }
    }
}
