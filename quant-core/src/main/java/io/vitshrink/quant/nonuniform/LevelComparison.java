package io.vitshrink.quant.nonuniform;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.calibration.Calibrator;
import io.vitshrink.quant.calibration.SampleCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Fits several quantizers to one activation tensor on calibration images, for a report's histogram
 * with their levels drawn over it: every kind is searched exactly as {@code quantize} searches it, on
 * the error of the matrix product that consumes the tensor, so the picture shows the quantizers the
 * pipeline would really use. The tensor must be the left operand of a {@code MatMul} (every Linear's
 * input, the post-Softmax probabilities, Q) or the input of a {@code Gemm}.
 */
public final class LevelComparison {
    /** The kinds a report draws by default: the uniform / log2 / AdaLog comparison. */
    public static final List<QuantizerChoice> DEFAULT_KINDS = List.of(QuantizerChoice.UNIFORM, QuantizerChoice.LOG2,
            QuantizerChoice.ADALOG);

    /**
     * One fitted quantizer.
     *
     * @param relativeError {@code mean((Â·B − A·B)²) / mean((A·B)²)} on the samples the search saw
     */
    public record Fitted(QuantizerChoice choice, NonUniformQuantizer quantizer, double relativeError) {
    }

    /**
     * @param values the tensor's calibration values (every element of the sampled images)
     */
    public record Comparison(String tensor, int bits, float[] values, List<Fitted> quantizers) {
    }

    private final RunnerOptions options;

    public LevelComparison(RunnerOptions options) {
        this.options = options;
    }

    /**
     * @param images how many calibration images to sample the tensor on (the searches see at most
     *     {@code QuantizerChoice.SEARCH_ROWS} rows of the product)
     */
    public Comparison compare(Model model, String tensor, List<QuantizerChoice> kinds, int bits, CalibrationInputs calibration,
            int images, IntConsumer progress) {
        Graph g = model.graph();
        Node consumer = productConsumer(g, tensor);
        String other = consumer.input(1);
        boolean weightOperand = g.isInitializer(other);
        Map<String, SampleCollector> samples = new LinkedHashMap<>();
        samples.put(tensor, new SampleCollector(tensor, images));
        if (!weightOperand) {
            samples.put(other, new SampleCollector(other, images));
        }
        new Calibrator(options).run(model, samples, calibration, progress);
        SampleCollector a = samples.get(tensor);
        if (a.images() == 0) {
            throw new UserException("no calibration image could be read");
        }
        ConsumerProduct product;
        if (weightOperand) {
            Tensor w = g.initializer(other).orElseThrow();
            boolean outIn = consumer.opType().equals("Gemm") && consumer.intAttr("transB", 0) == 1;
            product = ConsumerProduct.ofLinear(a.data(), a.shape(), w.toFloats(), w.dims(), outIn);
        } else {
            SampleCollector b = samples.get(other);
            product = ConsumerProduct.of(a.data(), a.shape(), b.data(), b.shape());
        }
        ConsumerProduct scored = product.rows() > QuantizerChoice.SEARCH_ROWS
                ? product.subsample(QuantizerChoice.SEARCH_ROWS, 0) : product;
        List<Fitted> fitted = new ArrayList<>();
        for (QuantizerChoice k : kinds) {
            NonUniformQuantizer q = k == QuantizerChoice.UNIFORM ? UniformSearch.search(scored, bits) : k.choose(product, bits);
            double ref = scored.referenceMeanSquare();
            fitted.add(new Fitted(k, q, ref > 0 ? scored.error(q) / ref : Double.NaN));
        }
        return new Comparison(tensor, bits, a.data(), fitted);
    }

    /**
     * Checks, before any image is read, that the tensor can be compared.
     *
     * @throws UserException when the model lacks it or no matrix product consumes it from the left
     */
    public static void check(Model model, String tensor) {
        productConsumer(model.graph(), tensor);
    }

    /** The MatMul that multiplies the tensor from the left, or the Gemm that reads it; a clear error otherwise. */
    static Node productConsumer(Graph g, String tensor) {
        if (!g.valueNames().contains(tensor)) {
            throw new UserException("the model has no tensor named '" + tensor + "'");
        }
        for (Node n : g.consumers(tensor)) {
            if ((n.opType().equals("MatMul") || n.opType().equals("Gemm")) && n.input(0).equals(tensor)) {
                return n;
            }
        }
        throw new UserException("'" + tensor + "' is not the left operand of a MatMul or Gemm, so no quantizer search "
                + "applies to it; choose a Linear's input, a post-Softmax or a post-GELU tensor");
    }
}
