package io.vitshrink.onnx.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The editable graph: its producer/consumer index, edits, ordering and copies. */
class GraphTest {
    private static final Offset<Float> TOL = Offset.offset(1e-5f);

    // ---- index ---------------------------------------------------------------------------------

    private static Set<String> allNames(Graph g) {
        Set<String> names = new LinkedHashSet<>(g.valueNames());
        for (Node n : g.nodes()) {
            names.addAll(n.inputs());
            names.addAll(n.outputs());
        }
        g.outputs().forEach(v -> names.add(v.name()));
        names.remove("");
        return names;
    }

    /** Queries the index for every name so that a stale cache would show after the next edit. */
    private static void warm(Graph g, Set<String> extra) {
        Set<String> names = allNames(g);
        names.addAll(extra);
        for (String v : names) {
            g.producer(v);
            g.consumers(v);
        }
    }

    /** The index agrees with a brute-force scan of the node list, for current and former names. */
    private static void assertIndexTrue(Graph g, Set<String> seen) {
        seen.addAll(allNames(g));
        for (String v : seen) {
            Node producer = null;
            List<Node> consumers = new ArrayList<>();
            for (Node n : g.nodes()) {
                if (n.outputs().contains(v)) {
                    producer = n;
                }
                if (n.inputs().contains(v)) {
                    consumers.add(n);
                }
            }
            assertThat(g.producer(v).orElse(null)).as("producer of %s", v).isSameAs(producer);
            assertThat(g.consumers(v)).as("consumers of %s", v).containsExactlyElementsOf(consumers);
        }
    }

    private static Graph diamond() {
        Graph g = new Graph("diamond");
        g.addInput(new ValueInfo("x", DataType.FLOAT, List.of(Dim.of(2), Dim.of(4))));
        g.addNode(new Node("A", "Relu", List.of("x"), List.of("a")));
        g.addNode(new Node("B", "Neg", List.of("a"), List.of("b")));
        g.addNode(new Node("C", "Add", List.of("a", "b"), List.of("c")));
        g.addOutput(new ValueInfo("c", DataType.FLOAT, List.of(Dim.of(2), Dim.of(4))));
        g.addOutput(new ValueInfo("a", DataType.FLOAT, List.of(Dim.of(2), Dim.of(4))));
        return g;
    }

    @Test
    void producersAndConsumersStayRightAfterEveryEdit() {
        Graph g = diamond();
        Set<String> seen = new HashSet<>();
        assertIndexTrue(g, seen);
        Node a = g.node("A").orElseThrow();
        Node b = g.node("B").orElseThrow();
        Node c = g.node("C").orElseThrow();
        assertThat(g.consumers("a")).containsExactly(b, c);
        assertThat(g.producer("x")).isEmpty();

        warm(g, seen);
        Node d = new Node("D", "Abs", List.of("c"), List.of("d"));
        g.addNode(d);
        assertIndexTrue(g, seen);
        assertThat(g.consumers("c")).containsExactly(d);

        warm(g, seen);
        g.setNodeInput(c, 1, "x");
        assertIndexTrue(g, seen);
        assertThat(g.consumers("b")).isEmpty();
        assertThat(g.consumers("x")).containsExactly(a, c);

        warm(g, seen);
        g.setNodeInput(c, 3, "b"); // past the end: padded with omitted inputs
        assertThat(c.inputs()).containsExactly("a", "x", "", "b");
        assertIndexTrue(g, seen);

        warm(g, seen);
        g.setNodeOutput(d, 0, "d2");
        assertIndexTrue(g, seen);
        assertThat(g.producer("d")).isEmpty();
        assertThat(g.producer("d2")).contains(d);

        warm(g, seen);
        g.replaceAllUses("a", "x");
        assertIndexTrue(g, seen);
        assertThat(g.consumers("a")).isEmpty();
        assertThat(g.isGraphOutput("a")).isFalse();
        assertThat(g.isGraphOutput("x")).isTrue();

        warm(g, seen);
        Node e = new Node("E", "Neg", List.of("d2"), List.of("e"));
        g.addNodeAfter(d, e);
        assertIndexTrue(g, seen);
        assertThat(g.nodes()).containsSubsequence(d, e);

        warm(g, seen);
        Node ins = new Node("ins", "Identity", List.of("x"), List.of("x_id"));
        g.insertOnEdge("x", c, ins);
        assertIndexTrue(g, seen);
        assertThat(g.consumers("x_id")).containsExactly(c);

        warm(g, seen);
        g.setNodeInput(c, 3, "");
        g.removeNode(b);
        assertIndexTrue(g, seen);
        assertThat(g.consumers("a")).isEmpty();

        warm(g, seen);
        g.renameNode(d, "D_renamed");
        assertIndexTrue(g, seen);
        assertThat(g.node("D_renamed")).contains(d);

        warm(g, seen);
        g.sortTopologically();
        assertIndexTrue(g, seen);
        assertThat(g.isTopologicallySorted()).isTrue();

        warm(g, seen);
        assertThat(g.removeDeadNodes()).isEqualTo(3); // D → E lead nowhere, nothing reads A's "a" any more
        assertThat(g.nodes()).extracting(Node::name).containsExactly("ins", "C");
        assertIndexTrue(g, seen);

        Graph copy = g.copy();
        warm(copy, seen);
        assertIndexTrue(copy, new HashSet<>(seen));
        copy.addNode(new Node("F", "Neg", List.of("c"), List.of("f")));
        assertIndexTrue(g, seen);
        assertThat(g.consumers("c")).isEmpty();
        assertThat(copy.consumers("c")).extracting(Node::name).containsExactly("F");
    }

    @Test
    void aNodeReadingAValueTwiceIsOneConsumer() {
        Graph g = new Graph("g");
        g.addInput(ValueInfo.untyped("x"));
        Node sq = new Node("sq", "Mul", List.of("x", "x"), List.of("y"));
        g.addNode(sq);
        assertThat(g.consumers("x")).containsExactly(sq);
    }

    // ---- insertOnEdge (checked by running the edited graph) ------------------------------------

    /** x → Relu → r; r → Neg → n; r → Exp → e; outputs n, e and r. */
    private static Model fanOut() {
        Graph g = new Graph("fan_out");
        List<Dim> shape = List.of(Dim.of(2), Dim.of(4));
        g.addInput(new ValueInfo("x", DataType.FLOAT, shape));
        g.addNode(new Node("relu", "Relu", List.of("x"), List.of("r")));
        g.addNode(new Node("neg", "Neg", List.of("r"), List.of("n")));
        g.addNode(new Node("exp", "Exp", List.of("r"), List.of("e")));
        g.addOutput(new ValueInfo("n", DataType.FLOAT, shape));
        g.addOutput(new ValueInfo("e", DataType.FLOAT, shape));
        g.addOutput(new ValueInfo("r", DataType.FLOAT, shape));
        return new Model(TinyModels.IR, Map.of("", TinyModels.OPSET), g);
    }

    private static final float[] X = TinyModels.input(2, 4);

    private static Map<String, float[]> run(Model m) {
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            Map<String, float[]> out = new HashMap<>();
            r.run(Map.of("x", Tensor.ofFloats("x", new long[] {2, 4}, X))).forEach((k, v) -> out.put(k, v.toFloats()));
            return out;
        }
    }

    private static float[] map(float[] v, java.util.function.DoubleUnaryOperator f) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) f.applyAsDouble(v[i]);
        }
        return out;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], TOL);
        }
    }

    @Test
    void insertOnEdgeBeforeOneConsumer() {
        Model m = fanOut();
        Graph g = m.graph();
        Node neg = g.node("neg").orElseThrow();
        Node ins = new Node("neg/pre", "Neg", List.of("r"), List.of("r_neg"));
        g.insertOnEdge("r", neg, ins);

        assertThat(neg.inputs()).containsExactly("r_neg");
        assertThat(g.node("exp").orElseThrow().inputs()).containsExactly("r");
        assertThat(g.consumers("r")).extracting(Node::name).containsExactlyInAnyOrder("exp", "neg/pre");
        assertThat(g.consumers("r_neg")).containsExactly(neg);
        assertThat(g.producer("r_neg")).contains(ins);
        assertThat(g.outputs()).extracting(ValueInfo::name).containsExactly("n", "e", "r");
        assertThat(g.isTopologicallySorted()).isTrue();

        float[] r = map(X, v -> Math.max(0, v));
        Map<String, float[]> out = run(m);
        assertClose(out.get("n"), r); // −(−r)
        assertClose(out.get("e"), map(r, Math::exp));
        assertClose(out.get("r"), r);
    }

    @Test
    void insertOnEdgeBeforeAllConsumersAndTheGraphOutput() {
        Model m = fanOut();
        Graph g = m.graph();
        Node ins = new Node("relu/post", "Neg", List.of("r"), List.of("r_neg"));
        g.insertOnEdge("r", null, ins);

        // the graph output keeps its name: the producer now writes r_pre, the inserted node writes r
        assertThat(ins.inputs()).containsExactly("r_pre");
        assertThat(ins.outputs()).containsExactly("r");
        assertThat(g.consumers("r_pre")).containsExactly(ins);
        assertThat(g.consumers("r")).extracting(Node::name).containsExactlyInAnyOrder("neg", "exp");
        assertThat(g.outputs()).extracting(ValueInfo::name).containsExactly("n", "e", "r");
        assertThat(g.outputs().get(2).shape()).containsExactly(Dim.of(2), Dim.of(4));
        assertThat(g.isTopologicallySorted()).isTrue();

        float[] r = map(X, v -> Math.max(0, v));
        Map<String, float[]> out = run(m);
        assertClose(out.get("n"), r);
        assertClose(out.get("e"), map(r, v -> Math.exp(-v)));
        assertClose(out.get("r"), map(r, v -> -v));
    }

    @Test
    void insertOnEdgeOfAGraphInputAndOfAnInitializer() {
        Model m = TinyModels.mlp();
        Graph g = m.graph();
        Node in = new Node("x/neg", "Neg", List.of("x"), List.of("x_neg"));
        g.insertOnEdge("x", null, in);
        assertThat(g.nodes().get(0)).isSameAs(in);
        Node w = new Node("W/neg", "Neg", List.of("W"), List.of("W_neg"));
        g.insertOnEdge("W", g.node("matmul").orElseThrow(), w);
        assertThat(g.consumers("W")).containsExactly(w);
        assertThat(g.node("matmul").orElseThrow().inputs()).containsExactly("x_neg", "W_neg");

        float[] x = TinyModels.input(2, 4);
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            float[] y = r.run(Map.of("x", Tensor.ofFloats("x", new long[] {2, 4}, x))).get("y").toFloats();
            assertClose(y, TinyModels.reference(x, 2, 4, 3)); // (−x)·(−W) = x·W
        }
    }

    // ---- initializers and dead code -------------------------------------------------------------

    @Test
    void replaceInitializerKeepsTheNameAndChangesTheResult() {
        Model m = TinyModels.mlp();
        float[] ones = new float[12];
        java.util.Arrays.fill(ones, 1f);
        m.graph().replaceInitializer("W", Tensor.ofFloats("some_other_name", new long[] {4, 3}, ones));
        assertThat(m.graph().initializers().keySet()).containsExactly("W", "b");
        assertThat(m.graph().initializer("W").orElseThrow().name()).isEqualTo("W");
        assertThat(m.graph().initializer("W").orElseThrow().toFloats()).containsOnly(1f);
        assertThat(m.graph().initializer("some_other_name")).isEmpty();

        float[] x = TinyModels.input(1, 4);
        float[] b = TinyModels.bias(3);
        float sum = x[0] + x[1] + x[2] + x[3];
        try (Runner r = Runner.open(m, RunnerOptions.defaults())) {
            float[] y = r.run(Map.of("x", Tensor.ofFloats("x", new long[] {1, 4}, x))).get("y").toFloats();
            assertClose(y, new float[] {Math.max(0, sum + b[0]), Math.max(0, sum + b[1]), Math.max(0, sum + b[2])});
        }
        assertThatThrownBy(() -> m.graph().replaceInitializer("nope", Tensor.scalar("nope", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no initializer named 'nope'");
    }

    @Test
    void removeDeadNodesDropsUnreachableNodesAndTheirInitializersButKeepsFeedInputs() {
        Model m = TinyModels.mlp();
        Graph g = m.graph();
        g.addInput(new ValueInfo("unused", DataType.FLOAT, List.of(Dim.of(1))));
        g.putInitializer(Tensor.ofFloats("Wd", new long[] {4}, new float[] {1, 2, 3, 4}));
        g.addInput(new ValueInfo("Wd", DataType.FLOAT, List.of(Dim.of(4)))); // initializer-backed input
        g.putInitializer(Tensor.scalar("orphan", 3f));
        g.addNode(new Node("dead_sig", "Sigmoid", List.of("x"), List.of("ds")));
        g.addNode(new Node("dead_mul", "Mul", List.of("ds", "Wd"), List.of("dm")));
        g.addNode(new Node("dead_tail", "Neg", List.of("dm"), List.of("dn")));
        g.putValueInfo(new ValueInfo("dm", DataType.FLOAT, null));
        g.putValueInfo(new ValueInfo("h", DataType.FLOAT, null));
        Set<String> seen = new HashSet<>();
        warm(g, seen);

        assertThat(g.removeDeadNodes()).isEqualTo(3);

        assertThat(g.nodes()).extracting(Node::name).containsExactly("matmul", "add", "relu");
        assertThat(g.initializers().keySet()).containsExactly("W", "b");
        assertThat(g.inputs()).extracting(ValueInfo::name).containsExactly("x", "unused");
        assertThat(g.feedInputs()).extracting(ValueInfo::name).containsExactly("x", "unused");
        assertThat(g.valueInfos().keySet()).containsExactly("h");
        assertIndexTrue(g, seen);
        assertThat(g.consumers("x")).extracting(Node::name).containsExactly("matmul");
        assertThat(g.removeDeadNodes()).isZero();
    }

    // ---- order ---------------------------------------------------------------------------------

    /** A DAG with fan-out, fan-in and a long chain, listed in a valid order. */
    private static List<Node> dagNodes() {
        return List.of(
                new Node("n0", "Relu", List.of("x"), List.of("v0")),
                new Node("n1", "Neg", List.of("v0"), List.of("v1")),
                new Node("n2", "Exp", List.of("v0"), List.of("v2")),
                new Node("n3", "Add", List.of("v1", "v2"), List.of("v3")),
                new Node("n4", "Mul", List.of("v3", "W"), List.of("v4")),
                new Node("n5", "Split", List.of("v4"), List.of("v5a", "v5b")),
                new Node("n6", "Add", List.of("v5b", "v1"), List.of("v6")),
                new Node("n7", "Sub", List.of("v6", "v5a"), List.of("v7")),
                new Node("n8", "Identity", List.of("x"), List.of("v8")),
                new Node("n9", "Concat", List.of("v7", "v8", "v3"), List.of("y")));
    }

    private static Graph graphOf(List<Node> nodes) {
        Graph g = new Graph("dag");
        g.addInput(ValueInfo.untyped("x"));
        g.putInitializer(Tensor.scalar("W", 2f));
        nodes.forEach(g::addNode);
        g.addOutput(ValueInfo.untyped("y"));
        return g;
    }

    private static void assertValidOrder(Graph g, List<Node> order) {
        assertThat(order).containsExactlyInAnyOrderElementsOf(g.nodes());
        Set<String> available = new HashSet<>(Set.of("x", "W", ""));
        for (Node n : order) {
            assertThat(available).as("inputs of %s", n.name()).containsAll(n.inputs());
            available.addAll(n.outputs());
        }
    }

    @Test
    void topologicalOrderOfShuffledNodeLists() {
        Graph sorted = graphOf(dagNodes());
        assertThat(sorted.isTopologicallySorted()).isTrue();
        assertThat(sorted.topologicalOrder()).containsExactlyElementsOf(sorted.nodes()); // stable
        int unsortedSeen = 0;
        for (long seed = 0; seed < 25; seed++) {
            List<Node> shuffled = new ArrayList<>(dagNodes());
            Collections.shuffle(shuffled, new Random(seed));
            Graph g = graphOf(shuffled);
            if (!g.isTopologicallySorted()) {
                unsortedSeen++;
            }
            List<Node> order = g.topologicalOrder();
            assertValidOrder(g, order);
            assertThat(g.nodes()).as("topologicalOrder does not reorder the graph").containsExactlyElementsOf(shuffled);
            g.sortTopologically();
            assertThat(g.nodes()).containsExactlyElementsOf(order);
            assertThat(g.isTopologicallySorted()).isTrue();
        }
        assertThat(unsortedSeen).isGreaterThan(20);
    }

    @Test
    void aCycleRaises() {
        Graph g = new Graph("cycle");
        g.addInput(ValueInfo.untyped("x"));
        g.addNode(new Node("head", "Relu", List.of("x"), List.of("h")));
        g.addNode(new Node("p", "Add", List.of("h", "r"), List.of("p_out")));
        g.addNode(new Node("q", "Neg", List.of("p_out"), List.of("q_out")));
        g.addNode(new Node("r", "Exp", List.of("q_out"), List.of("r")));
        g.addOutput(ValueInfo.untyped("q_out"));
        assertThatThrownBy(g::topologicalOrder).isInstanceOf(IllegalStateException.class)
                .hasMessage("the graph has a cycle through node 'p'");
        assertThat(g.isTopologicallySorted()).isFalse();
        assertThatThrownBy(g::removeDeadNodes).isInstanceOf(IllegalStateException.class);

        Graph self = new Graph("self");
        self.addNode(new Node("loop", "Neg", List.of("v"), List.of("v")));
        assertThatThrownBy(self::topologicalOrder).isInstanceOf(IllegalStateException.class)
                .hasMessage("node 'loop' reads its own output 'v'");
    }

    @Test
    void uniqueNameAvoidsValuesNodesInputsAndInitializers() {
        Graph g = TinyModels.mlp().graph();
        assertThat(g.uniqueName("fresh")).isEqualTo("fresh");
        assertThat(g.uniqueName("h")).isEqualTo("h_1");          // node output
        assertThat(g.uniqueName("x")).isEqualTo("x_1");          // graph input
        assertThat(g.uniqueName("W")).isEqualTo("W_1");          // initializer
        assertThat(g.uniqueName("matmul")).isEqualTo("matmul_1"); // node name
        g.addNode(new Node("h_1", "Identity", List.of("h"), List.of("h_2")));
        assertThat(g.uniqueName("h")).isEqualTo("h_3");
        String name = g.uniqueName("matmul/quant_in0");
        assertThat(name).isEqualTo("matmul/quant_in0");
    }

    // ---- copies and exposed outputs -------------------------------------------------------------

    @Test
    void modelCopyIsDeep() {
        Model original = TinyModels.mlp();
        original.putMetadata("k", "v");
        original.graph().node("relu").orElseThrow().setAttribute(Attribute.ofInts("axes", 1, 2));
        byte[] before = io.vitshrink.onnx.io.ModelIO.toBytes(original);
        Graph og = original.graph();
        warm(og, new HashSet<>());

        Model copy = original.copy();
        Graph cg = copy.graph();
        Node cmm = cg.node("matmul").orElseThrow();
        assertThat(cmm).isNotSameAs(og.node("matmul").orElseThrow());
        cg.setNodeInput(cmm, 0, "y");
        cg.setNodeOutput(cg.node("relu").orElseThrow(), 0, "y2");
        cg.node("relu").orElseThrow().setAttribute(Attribute.of("alpha", 0.1f));
        cg.node("relu").orElseThrow().removeAttribute("axes");
        cg.renameNode(cg.node("add").orElseThrow(), "add_renamed");
        cg.node("add_renamed").orElseThrow().setDocString("edited");
        cg.addNode(new Node("extra", "Neg", List.of("x"), List.of("neg")));
        cg.replaceInitializer("W", Tensor.ofFloats("W", new long[] {4, 3}, new float[12]));
        cg.removeInitializer("b");
        cg.putInitializer(Tensor.scalar("new_init", 1f));
        cg.addInput(ValueInfo.untyped("new_in"));
        cg.addOutput(ValueInfo.untyped("neg"));
        cg.putValueInfo(ValueInfo.untyped("h"));
        cg.setName("renamed");
        cg.setDocString("doc");
        copy.putMetadata("k", "changed");
        copy.putMetadata("k2", "v2");
        copy.setOpset("", 13);
        copy.setOpset("com.microsoft", 1);
        copy.setIrVersion(7);
        copy.setProducer("other", "9");
        copy.setDocString("copy");

        assertThat(io.vitshrink.onnx.io.ModelIO.toBytes(original)).isEqualTo(before);
        assertThat(og.node("relu").orElseThrow().intsAttr("axes")).containsExactly(1, 2);
        assertThat(og.consumers("x")).extracting(Node::name).containsExactly("matmul");
        assertThat(og.producer("y")).map(Node::name).contains("relu");
        assertThat(og.node("add")).isPresent();
        assertThat(original.metadata()).containsExactly(Map.entry("k", "v"));
        assertThat(original.opsets()).containsExactly(Map.entry("", TinyModels.OPSET));
    }

    @Test
    void exposedOutputsReturnIntermediateValuesComputedByHand() {
        Model m = TinyModels.mlp();
        Model exposed = ExposedOutputs.expose(m, List.of("h", "z", "W"));
        assertThat(m.graph().outputs()).extracting(ValueInfo::name).containsExactly("y");
        assertThat(exposed.graph().outputs()).extracting(ValueInfo::name).containsExactly("y", "h", "z");

        float[] x = TinyModels.input(3, 4);
        float[] h = TinyModels.matmul(x, TinyModels.weights(4, 3), 3, 4, 3);
        float[] b = TinyModels.bias(3);
        float[] z = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            z[i] = h[i] + b[i % 3];
        }
        try (Runner r = Runner.open(exposed, RunnerOptions.defaults())) {
            Map<String, Tensor> out = r.run(Map.of("x", Tensor.ofFloats("x", new long[] {3, 4}, x)));
            assertThat(out.get("h").dims()).containsExactly(3, 3);
            assertClose(out.get("h").toFloats(), h);
            assertClose(out.get("z").toFloats(), z);
            assertClose(out.get("y").toFloats(), TinyModels.reference(x, 3, 4, 3));
        }
        assertThatThrownBy(() -> ExposedOutputs.expose(m, List.of("nope")))
                .isInstanceOf(UserException.class).hasMessage("the model has no value named 'nope'");
    }
}
