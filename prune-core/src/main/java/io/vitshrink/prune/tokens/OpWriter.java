package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends the nodes of a token rewrite to a graph. Every node and value is named
 * {@code <scope>/<OpType>} (made unique), so a person reading the rewritten graph in Netron sees
 * which block a token operation serves; constants are initializers named the same way.
 */
public final class OpWriter {
    private final Graph graph;
    private final String scope;

    private final long opset;

    public OpWriter(Graph graph, String scope, long opset) {
        this.graph = graph;
        this.scope = scope;
        this.opset = opset;
    }

    /** The same graph and opset, another scope. */
    public OpWriter scoped(String otherScope) {
        return new OpWriter(graph, otherScope, opset);
    }

    public long opset() {
        return opset;
    }

    /** ReduceMean over one axis without keeping it, in the form the model's opset wants. */
    public String reduceMeanOpset(String x, long axis) {
        return reduceMean(x, opset, false, axis);
    }

    public Graph graph() {
        return graph;
    }

    /** One node with one output; returns the output's name. */
    public String op(String opType, List<String> inputs, Attribute... attributes) {
        return ops(opType, 1, inputs, attributes).get(0);
    }

    /** One node with several outputs; returns their names. */
    public List<String> ops(String opType, int outputs, List<String> inputs, Attribute... attributes) {
        String name = graph.uniqueName(scope + "/" + opType);
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add(graph.uniqueName(name + "_output_" + i));
        }
        graph.addNode(new Node(name, opType, inputs, outs, attributes));
        return outs;
    }

    /** A 1-D int64 constant (axes, shapes, starts and ends). */
    public String ints(long... values) {
        return constant(Tensor.vector("", values));
    }

    /** A rank-0 int64 constant (Gather index, TopK k needs 1-D: use {@link #ints}). */
    public String int0(long value) {
        return constant(Tensor.ofLongs("", new long[0], new long[] {value}));
    }

    /** A rank-0 float constant. */
    public String float0(float value) {
        return constant(Tensor.scalar("", value));
    }

    public String constant(Tensor value) {
        String name = graph.uniqueName(scope + "/const");
        graph.putInitializer(value.withName(name));
        return name;
    }

    // ---- small compositions used by several token methods ---------------------------------------

    /** {@code x[:, start:end]} along {@code axis} (end may be {@code Long.MAX_VALUE}). */
    public String slice(String x, long axis, long start, long end) {
        return op("Slice", List.of(x, ints(start), ints(end), ints(axis)));
    }

    /** {@code x[start:end:step]} along {@code axis}. */
    public String slice(String x, long axis, long start, long end, long step) {
        return op("Slice", List.of(x, ints(start), ints(end), ints(axis), ints(step)));
    }

    public String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", List.of(x, ints(axes)));
    }

    public String squeeze(String x, long... axes) {
        return op("Squeeze", List.of(x, ints(axes)));
    }

    /** ReduceMean with axes as an attribute (opset &lt; 18) or an input (18+). */
    public String reduceMean(String x, long opset, boolean keepDims, long... axes) {
        Attribute keep = Attribute.of("keepdims", keepDims ? 1L : 0L);
        return opset >= 18 ? op("ReduceMean", List.of(x, ints(axes)), keep)
                : op("ReduceMean", List.of(x), Attribute.ofInts("axes", axes), keep);
    }

    /** ReduceSum (axes an input since opset 13). */
    public String reduceSum(String x, boolean keepDims, long... axes) {
        return op("ReduceSum", List.of(x, ints(axes)), Attribute.of("keepdims", keepDims ? 1L : 0L));
    }

    /** Dimension {@code axis} of {@code x} at run time, as a 1-element int64 vector. */
    public String dim(String x, long axis) {
        String shape = op("Shape", List.of(x));
        return slice(shape, 0, axis, axis == -1 ? Long.MAX_VALUE : axis + 1);
    }

    /** Expands {@code [B, K]} indices to {@code [B, K, width]} for GatherElements on {@code [B, N, width]}. */
    public String expandIndices(String indices, long width) {
        return op("Expand", List.of(unsqueeze(indices, 2), ints(1, 1, width)));
    }
}
