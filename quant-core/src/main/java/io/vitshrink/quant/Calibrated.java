package io.vitshrink.quant;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.calibration.SampleCollector;
import io.vitshrink.onnx.linalg.Damping;
import io.vitshrink.onnx.linalg.InputGram;
import io.vitshrink.quant.gptq.Gptq;
import io.vitshrink.quant.nonuniform.ConsumerProduct;
import io.vitshrink.quant.nonuniform.FpcsSearch;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.nonuniform.UniformActivationQuantizer;
import io.vitshrink.quant.quantizers.UniformParams;
import io.vitshrink.quant.observers.ActivationObserver;
import io.vitshrink.quant.observers.WeightRanges;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.UniformSpec;
import io.vitshrink.quant.reparam.Reparameterization;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The statistics of one calibration pass ({@link PtqPipeline#calibrate}): the reparameterized model, the
 * targets, the activation observers and the raw samples of power-law activations. Any target's
 * parameters at any bit width derive from them without touching the images again, which is what lets a
 * mixed-precision search calibrate once for hundreds of candidates. Results are memoized per
 * (tensor, bits); not thread-safe.
 */
public final class Calibrated {
    private final PtqPipeline.Settings settings;
    private final Model working;
    private final List<Reparameterization> reparameterizations;
    private final List<QuantTarget> targets;
    private final Map<String, ActivationObserver> observers;
    private final Map<String, PowerLawTarget> powerLaw = new HashMap<>();
    private final Map<String, SampleCollector> samples;
    private final List<String> notes;
    private final int images;
    private final double calibrationSeconds;
    private final double statisticsSeconds;
    private final Map<String, TensorQuantization> memo = new HashMap<>();
    private final Map<String, InputGram> weightGrams;
    private final Map<String, ProductOperand> uniformProducts = new HashMap<>();
    private final double gramSeconds;
    private double searchSeconds;
    private double gptqSeconds;

    Calibrated(PtqPipeline.Settings settings, Model working, List<Reparameterization> reparameterizations,
            List<QuantTarget> targets, Map<String, ActivationObserver> observers, List<PowerLawTarget> powerLaw,
            Map<String, SampleCollector> samples, List<String> notes, int images, double calibrationSeconds,
            double statisticsSeconds, Map<String, InputGram> weightGrams, double gramSeconds,
            List<ProductOperand> uniformProducts) {
        this.weightGrams = weightGrams;
        this.gramSeconds = gramSeconds;
        uniformProducts.forEach(p -> this.uniformProducts.put(p.tensor(), p));
        this.settings = settings;
        this.working = working;
        this.reparameterizations = List.copyOf(reparameterizations);
        this.targets = List.copyOf(targets);
        this.observers = observers;
        powerLaw.forEach(p -> this.powerLaw.put(p.tensor(), p));
        this.samples = samples;
        this.notes = List.copyOf(notes);
        this.images = images;
        this.calibrationSeconds = calibrationSeconds;
        this.statisticsSeconds = statisticsSeconds;
    }

    /** The input model with the reparameterizations applied: what quantizers are inserted into. */
    public Model workingModel() {
        return working;
    }

    public List<Reparameterization> reparameterizations() {
        return reparameterizations;
    }

    /** Every quantizable tensor of the scheme, weights first. */
    public List<QuantTarget> targets() {
        return targets;
    }

    public PtqPipeline.Settings settings() {
        return settings;
    }

    public List<String> notes() {
        return notes;
    }

    public int images() {
        return images;
    }

    public double calibrationSeconds() {
        return calibrationSeconds;
    }

    public double statisticsSeconds() {
        return statisticsSeconds;
    }

    /**
     * Time spent so far in activation quantizer searches (non-uniform kinds and FPCS; they run on first use
     * of a width).
     */
    public double searchSeconds() {
        return searchSeconds;
    }

    /** GPTQ time so far: the Gram pass over the calibration images plus the column-by-column solves. */
    public double gptqSeconds() {
        return gramSeconds + gptqSeconds;
    }

    /**
     * The same statistics with the scheme's uniform quantizer on every target, the power-law
     * activations included (their observers saw the same images): what a calibration with
     * {@code --softmax-quantizer uniform --gelu-quantizer uniform} on these images gives, without a second
     * pass. A search uses it to compare its plans with plain uniform ones calibrated identically.
     */
    public Calibrated withUniformQuantizers() {
        if (powerLaw.isEmpty()) {
            return this;
        }
        PtqPipeline.Settings s = settings;
        PtqPipeline.Settings uniform = new PtqPipeline.Settings(s.scheme(), s.observer(), s.weightRange(), s.reparam(), s.format(),
                s.matMulNBits(), s.imageSize(), QuantizerChoice.UNIFORM, QuantizerChoice.UNIFORM, s.weightMethod(),
                s.uniformSearch());
        return new Calibrated(uniform, working, reparameterizations, targets, observers, List.of(), samples, notes, images,
                calibrationSeconds, statisticsSeconds, weightGrams, gramSeconds, List.copyOf(uniformProducts.values()));
    }

    /**
     * The quantizer setting the target's parameters come from: the {@link QuantizerChoice} key of a
     * power-law activation ({@code adalog}, {@code auto}, …), else {@code uniform}. Two calibrations of the
     * same images give a target the same parameters at every width when this key is the same.
     */
    public String quantizerKind(QuantTarget t) {
        PowerLawTarget p = powerLaw.get(t.tensor());
        return p == null ? QuantizerChoice.UNIFORM.key() : p.choice().key();
    }

    /** Whether the target gets a searched non-uniform quantizer (the post-Softmax / post-GELU inputs). */
    public boolean isPowerLaw(QuantTarget t) {
        return powerLaw.containsKey(t.tensor());
    }

    /**
     * The target quantized at {@code bits}: weights get their range searched, activations take their
     * observer's range for that width, power-law activations their searched quantizer at that width.
     */
    public TensorQuantization quantization(QuantTarget t, int bits) {
        String key = t.tensor() + "@" + bits;
        TensorQuantization q = memo.get(key);
        if (q == null) {
            q = compute(t, bits);
            memo.put(key, q);
        }
        return q;
    }

    private TensorQuantization compute(QuantTarget t, int bits) {
        UniformSpec s = t.spec();
        UniformSpec spec = new UniformSpec(bits, s.signed(), s.symmetric(), s.granularity(), s.groupSize());
        if (t.role() == TensorRole.WEIGHT) {
            Tensor w = working.graph().initializer(t.tensor()).orElseThrow();
            InputGram gram = weightGrams.get(t.tensor());
            if (gram != null) {
                long start = System.nanoTime();
                Gptq.Result r = Gptq.quantize(w.toFloats(), w.dims(), t.channelAxis(), spec, settings.weightRange(),
                        gram.matrix(), Damping.DEFAULT);
                gptqSeconds += (System.nanoTime() - start) / 1e9;
                return TensorQuantization.withLevels(t.tensor(), t.consumers(), r.params(), r.levels());
            }
            return new TensorQuantization(t.tensor(), TensorRole.WEIGHT, t.consumers(),
                    WeightRanges.search(settings.weightRange(), w.toFloats(), w.dims(), t.channelAxis(), spec));
        }
        PowerLawTarget p = powerLaw.get(t.tensor());
        if (p == null) {
            UniformParams observed = observers.get(t.tensor()).params(spec);
            ProductOperand op = uniformProducts.get(t.tensor());
            if (op == null || !spec.equals(UniformSpec.activations(bits))) {
                return new TensorQuantization(t.tensor(), TensorRole.ACTIVATION, t.consumers(), observed);
            }
            long start = System.nanoTime();
            UniformActivationQuantizer found = FpcsSearch.search(uniformProduct(op), bits, new UniformActivationQuantizer(observed));
            searchSeconds += (System.nanoTime() - start) / 1e9;
            return new TensorQuantization(t.tensor(), TensorRole.ACTIVATION, t.consumers(), found.params());
        }
        long start = System.nanoTime();
        SampleCollector a = samples.get(p.tensor());
        ConsumerProduct product;
        if (p.otherOperand() != null) {
            SampleCollector b = samples.get(p.otherOperand());
            product = ConsumerProduct.of(a.data(), a.shape(), b.data(), b.shape());
        } else {
            Tensor w = working.graph().initializer(p.weight()).orElseThrow();
            product = ConsumerProduct.ofLinear(a.data(), a.shape(), w.toFloats(), w.dims(), p.weightOutIn());
        }
        TensorQuantization q = TensorQuantization.nonUniform(t.tensor(), t.consumers(), p.choice().choose(product, bits));
        searchSeconds += (System.nanoTime() - start) / 1e9;
        return q;
    }

    /** The product consuming a uniform activation, from the samples of both operands (or the weight). */
    private ConsumerProduct uniformProduct(ProductOperand op) {
        SampleCollector x = samples.get(op.tensor());
        if (op.weight() != null) {
            Tensor w = working.graph().initializer(op.weight()).orElseThrow();
            return ConsumerProduct.ofLinear(x.data(), x.shape(), w.toFloats(), w.dims(), op.weightOutIn());
        }
        SampleCollector other = samples.get(op.otherActivation());
        return op.right() ? ConsumerProduct.ofRight(other.data(), other.shape(), x.data(), x.shape())
                : ConsumerProduct.of(x.data(), x.shape(), other.data(), other.shape());
    }

    /**
     * A plan with every target at the width {@code bitsOf} gives it.
     *
     * @param extraSettings recorded settings that replace the pipeline's (e.g. {@code w_bits: "mixed"})
     */
    public QuantPlan plan(String sourceName, String sourceSha256, String toolVersion, ToIntFunction<QuantTarget> bitsOf,
            Map<String, Object> extraSettings) {
        List<TensorQuantization> tensors = new ArrayList<>();
        for (QuantTarget t : targets) {
            tensors.add(quantization(t, bitsOf.applyAsInt(t)));
        }
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("scheme", settings.scheme().name());
        recorded.put("w_bits", settings.scheme().weightBits());
        recorded.put("a_bits", settings.scheme().activationBits());
        recorded.put("edge_bits", settings.scheme().edgeBits());
        recorded.put("granularity", settings.scheme().weightGranularity().key());
        recorded.put("group_size", settings.scheme().groupSize());
        recorded.put("observer", settings.observer().key());
        recorded.put("weight_range", settings.weightRange().key());
        recorded.put("reparam", settings.reparam().key());
        recorded.put("softmax_quantizer", settings.softmaxQuantizer().key());
        recorded.put("gelu_quantizer", settings.geluQuantizer().key());
        recorded.put("weight_method", settings.weightMethod().key());
        recorded.put("uniform_search", settings.uniformSearch().key());
        recorded.put("calib_images", images);
        recorded.putAll(extraSettings);
        return new QuantPlan(settings.format(), sourceName, sourceSha256, toolVersion, recorded, reparameterizations, tensors);
    }
}
