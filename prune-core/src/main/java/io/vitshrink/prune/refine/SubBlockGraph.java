package io.vitshrink.prune.refine;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Dim;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import io.vitshrink.prune.tokens.OpWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A sub-block (attention or MLP) written as its own ONNX graph whose parameters are graph inputs,
 * with its backward pass written out by hand after the forward one, so that ONNX Runtime's GEMMs
 * compute the gradients (a Java loop ran the same products about twenty times slower).
 *
 * <p>Inputs: {@code x} (the sub-block's input after its LayerNorm), {@code target} (same shape as
 * the output), {@code grad_scale} (a scalar, 2 / tokens for a mean squared error per token),
 * {@code token_weight} (the output's shape with 1 features: each token's weight in the loss), then
 * the parameters in {@link #parameters()} order. Outputs: {@code y} (the sub-block's output before
 * the residual Add), {@code loss} (Σ w·(y − target)²) and, in a training graph, one gradient per
 * parameter, {@code grad_<name>}.
 *
 * @param model the graph
 * @param parameters parameter input names in feeding order
 * @param parameterShapes their shapes, in the same order
 * @param gradients gradient output names in the same order (empty for a forward-only graph)
 * @param noiseSlices how many slices of unit-variance noise the {@code noise} input takes
 *     ({@code [slices, images, tokens, width]}; {@link WindowGraph} with input noise), 0 = no such input
 */
public record SubBlockGraph(Model model, List<String> parameters, List<long[]> parameterShapes, List<String> gradients,
        int noiseSlices) {

    public static final String X = "x";
    public static final String TARGET = "target";
    public static final String GRAD_SCALE = "grad_scale";
    public static final String TOKEN_WEIGHT = "token_weight";
    public static final String Y = "y";
    public static final String LOSS = "loss";
    public static final String NOISE = "noise";
    /** Opset of the written graphs (ReduceSum takes its axes as an input since 13). */
    static final int OPSET = 17;

    /** A graph under construction: inputs declared, nodes appended through {@link #ops}. */
    static final class Writer {
        final Graph graph = new Graph("vitshrink-refine");
        final OpWriter ops = new OpWriter(graph, "refine", OPSET);
        final List<String> parameters = new ArrayList<>();
        final List<long[]> shapes = new ArrayList<>();
        final List<String> gradients = new ArrayList<>();
        int noiseSlices;

        Writer(int xRank, int targetRank) {
            graph.addInput(new ValueInfo(X, DataType.FLOAT, Collections.nCopies(xRank, Dim.UNKNOWN)));
            graph.addInput(new ValueInfo(TARGET, DataType.FLOAT, Collections.nCopies(targetRank, Dim.UNKNOWN)));
            graph.addInput(new ValueInfo(GRAD_SCALE, DataType.FLOAT, List.of()));
            graph.addInput(new ValueInfo(TOKEN_WEIGHT, DataType.FLOAT, Collections.nCopies(targetRank, Dim.UNKNOWN)));
        }

        /** Declares a parameter input of the given fixed shape. */
        String parameter(String name, long... shape) {
            List<Dim> dims = new ArrayList<>();
            for (long d : shape) {
                dims.add(Dim.of(d));
            }
            graph.addInput(new ValueInfo(name, DataType.FLOAT, dims));
            parameters.add(name);
            shapes.add(shape.clone());
            return name;
        }

        /**
         * {@code x} plus noise: slice {@code slice} of the {@code noise} input (declared with the first
         * slice asked for) times {@code sigma} times each feature's standard deviation over the batch's
         * images and tokens. The deviation is computed in the graph and, as the backward passes are
         * written by hand, held constant in them: the gradient of the sum is that of {@code x}.
         */
        String perturbed(String x, int slice, float sigma) {
            if (noiseSlices == 0) {
                graph.addInput(new ValueInfo(NOISE, DataType.FLOAT, Collections.nCopies(4, Dim.UNKNOWN)));
            }
            noiseSlices = Math.max(noiseSlices, slice + 1);
            Attribute batchAxes = Attribute.ofInts("axes", 0, 1);
            String centered = ops.op("Sub", List.of(x, ops.op("ReduceMean", List.of(x), batchAxes)));
            String deviation = ops.op("Sqrt", List.of(ops.op("ReduceMean", List.of(ops.op("Mul", List.of(centered, centered))),
                    batchAxes)));
            String z = ops.op("Gather", List.of(NOISE, ops.constant(Tensor.ofLongs("", new long[0],
                    new long[] {slice}))), Attribute.of("axis", 0L));
            return ops.op("Add", List.of(x, ops.op("Mul", List.of(ops.op("Mul", List.of(deviation, ops.float0(sigma))), z))));
        }

        /** Names {@code value} as an output of the graph. */
        void output(String value, String name) {
            graph.addNode(new Node(graph.uniqueName("refine/" + name), "Identity", List.of(value),
                    List.of(name)));
            graph.addOutput(ValueInfo.untyped(name));
        }

        /** The gradient of {@code parameter} is {@code value}. */
        void gradient(String parameter, String value) {
            String name = "grad_" + parameter;
            output(value, name);
            gradients.add(name);
        }

        /**
         * Outputs y and the loss Σ w·(y − target)² (w the token's weight, broadcast over features);
         * returns w·(y − target)·grad_scale, the loss gradient scaled.
         */
        String lossAndOutputGradient(String y) {
            output(y, Y);
            String r = ops.op("Sub", List.of(y, TARGET));
            String weighted = ops.op("Mul", List.of(r, TOKEN_WEIGHT));
            output(ops.op("ReduceSum", List.of(ops.op("Mul", List.of(r, weighted))), Attribute.of("keepdims", 0L)), LOSS);
            return ops.op("Mul", List.of(weighted, GRAD_SCALE));
        }

        /** {@code Xᵀ·D} and the column sums of D for a Linear whose 2-D input is X and output gradient D. */
        void linearGradients(String weight, String bias, String x2, String d2) {
            gradient(weight, ops.op("MatMul", List.of(transpose2(x2), d2)));
            gradient(bias, ops.reduceSum(d2, false, 0));
        }

        String transpose2(String m) {
            return ops.op("Transpose", List.of(m), Attribute.ofInts("perm", 1, 0));
        }

        String rows(String x, long width) {
            return ops.op("Reshape", List.of(x, ops.ints(-1, width)));
        }

        SubBlockGraph build() {
            Model m = new Model(8, Map.of("", (long) OPSET), graph);
            m.setProducer("vitshrink-refine", "1");
            List<String> ordered = new ArrayList<>();
            if (!gradients.isEmpty()) {
                parameters.forEach(p -> ordered.add("grad_" + p));
                if (!new java.util.HashSet<>(ordered).equals(new java.util.HashSet<>(gradients))) {
                    throw new IllegalStateException("gradients written for " + gradients + ", parameters " + parameters);
                }
            }
            return new SubBlockGraph(m, List.copyOf(parameters), List.copyOf(shapes), ordered, noiseSlices);
        }
    }
}
