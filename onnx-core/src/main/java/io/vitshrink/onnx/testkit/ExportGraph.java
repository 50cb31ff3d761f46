package io.vitshrink.onnx.testkit;

import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes nodes into a {@link Graph} with the names PyTorch's exporter gives them: a node is
 * {@code <module scope>/<OpType>} with {@code _1}, {@code _2}… for repeats in the same scope, and its
 * output is {@code <node name>_output_0}. Small constants are {@code Constant} nodes of their scope;
 * weights are initializers, named after the parameter or, for weights the exporter transposed,
 * {@code onnx::MatMul_NNN} (these go after the named ones, as in torch exports).
 */
final class ExportGraph {
    private final Graph graph;
    private final int opset;
    private final Map<String, Integer> counters = new HashMap<>();
    private final List<Tensor> anonymous = new ArrayList<>();
    private int nextAnonymousId;

    ExportGraph(Graph graph, int opset, int firstAnonymousId) {
        this.graph = graph;
        this.opset = opset;
        this.nextAnonymousId = firstAnonymousId;
    }

    int opset() {
        return opset;
    }

    /** One node with one output; returns the output's name. */
    String op(String scope, String opType, List<String> inputs, Attribute... attributes) {
        return ops(scope, opType, 1, inputs, attributes).get(0);
    }

    /** One node with {@code outputs} outputs; returns their names. */
    List<String> ops(String scope, String opType, int outputs, List<String> inputs, Attribute... attributes) {
        String name = nodeName(scope, opType);
        List<String> outs = new ArrayList<>(outputs);
        for (int i = 0; i < outputs; i++) {
            outs.add(name + "_output_" + i);
        }
        graph.addNode(new Node(name, opType, inputs, outs, attributes));
        return outs;
    }

    /** One node writing a value with a chosen name (a graph output such as {@code logits}). */
    String opTo(String scope, String opType, String output, List<String> inputs, Attribute... attributes) {
        graph.addNode(new Node(nodeName(scope, opType), opType, inputs, List.of(output), attributes));
        return output;
    }

    private String nodeName(String scope, String opType) {
        String base = scope + "/" + opType;
        int k = counters.merge(base, 1, Integer::sum) - 1;
        return k == 0 ? base : base + "_" + k;
    }

    // ---- constants and weights -----------------------------------------------------------------

    /** A Constant node holding a 1-D int64 tensor (shapes, axes, split sizes). */
    String ints(String scope, long... values) {
        return constant(scope, Tensor.vector("", values));
    }

    /** A Constant node holding a rank-0 int64 tensor (Gather indices). */
    String int0(String scope, long value) {
        return constant(scope, Tensor.ofLongs("", new long[0], new long[] {value}));
    }

    /** A Constant node holding a rank-0 float tensor. */
    String float0(String scope, float value) {
        return constant(scope, Tensor.scalar("", value));
    }

    String constant(String scope, Tensor value) {
        return op(scope, "Constant", List.of(), Attribute.of("value", value));
    }

    /** A named float initializer. */
    String weight(String name, long[] dims, float[] values) {
        graph.putInitializer(Tensor.ofFloats(name, dims, values));
        return name;
    }

    /** A named int64 initializer (buffers such as a relative position index). */
    String longs(String name, long[] dims, long[] values) {
        graph.putInitializer(Tensor.ofLongs(name, dims, values));
        return name;
    }

    /** A float initializer the exporter created by constant-folding a transpose: {@code onnx::MatMul_NNN}. */
    String anonymousWeight(long[] dims, float[] values) {
        String name = "onnx::MatMul_" + nextAnonymousId++;
        anonymous.add(Tensor.ofFloats(name, dims, values));
        return name;
    }

    /** Adds the {@code onnx::MatMul_NNN} initializers after the named ones. */
    void finish() {
        anonymous.forEach(graph::putInitializer);
        anonymous.clear();
    }

    // ---- ops whose form depends on the opset ---------------------------------------------------

    String reshape(String scope, String x, String shape) {
        return opset >= 14
                ? op(scope, "Reshape", List.of(x, shape), Attribute.of("allowzero", 0L))
                : op(scope, "Reshape", List.of(x, shape));
    }

    String transpose(String scope, String x, long... perm) {
        return op(scope, "Transpose", List.of(x), Attribute.ofInts("perm", perm));
    }

    /** ReduceMean over {@code axes}: axes an attribute below opset 18, an input from 18 on. */
    String reduceMean(String scope, String x, boolean keepDims, long... axes) {
        Attribute keep = Attribute.of("keepdims", keepDims ? 1L : 0L);
        if (opset >= 18) {
            String a = ints(scope, axes);
            return op(scope, "ReduceMean", List.of(x, a), keep);
        }
        return keepDims
                ? op(scope, "ReduceMean", List.of(x), Attribute.ofInts("axes", axes))
                : op(scope, "ReduceMean", List.of(x), Attribute.ofInts("axes", axes), keep);
    }

    /** Unsqueeze of a scalar to a 1-element vector (axes as an input, opset 13+). */
    String unsqueeze0(String scope, String x) {
        return op(scope, "Unsqueeze", List.of(x, ints(scope, 0)));
    }

    /** {@code x.shape[axis]} as a scalar: Shape then Gather. */
    String dim(String scope, String x, long axis) {
        String shape = op(scope, "Shape", List.of(x));
        return op(scope, "Gather", List.of(shape, int0(scope, axis)), Attribute.of("axis", 0L));
    }

    // ---- float layout helpers ------------------------------------------------------------------

    /** The transpose of a row-major {@code [rows, cols]} matrix. */
    static float[] transposed(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** Rows {@code [from, from + count)} of a row-major matrix with {@code cols} columns. */
    static float[] rows(float[] m, int cols, int from, int count) {
        float[] out = new float[count * cols];
        System.arraycopy(m, from * cols, out, 0, out.length);
        return out;
    }

    static float[] slice(float[] v, int from, int count) {
        float[] out = new float[count];
        System.arraycopy(v, from, out, 0, count);
        return out;
    }

    static long[] dims(long... d) {
        return d;
    }
}
