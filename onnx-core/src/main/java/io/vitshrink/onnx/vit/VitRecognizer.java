package io.vitshrink.onnx.vit;

import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes ViT structure. Each Softmax anchors an attention unit; the norm before its projections
 * and the residual Add after its output projection delimit the attention half of a pre-norm block;
 * the Linear behind the next norm, the activation and the Linear after it form the MLP half. The
 * embedding is found above the first block, the head below the last.
 */
public final class VitRecognizer {
    /** Ops that do real work: if one is left outside every recognized part, the user hears of it. */
    private static final Set<String> COMPUTE_OPS = Set.of("MatMul", "Gemm", "Conv", "Softmax", "LayerNormalization",
            "Attention", "MultiHeadAttention", "ConvTranspose", "Einsum", "MatMulNBits", "QLinearMatMul",
            "MatMulInteger", "BatchNormalization");

    private final Graph graph;
    private final ValueShapes shapes;
    private final GraphWalks walks;
    private final LinearMatcher linears;
    private final LayerNormMatcher norms;
    private final ActivationMatcher activations;
    private final Map<String, LayerNorm> normBefore = new HashMap<>();
    private final List<Unrecognized> unrecognized = new ArrayList<>();

    private VitRecognizer(Model model, ValueShapes shapes) {
        this.graph = model.graph();
        this.shapes = shapes;
        this.walks = new GraphWalks(graph);
        this.linears = new LinearMatcher(graph, walks);
        this.norms = new LayerNormMatcher(walks);
        this.activations = new ActivationMatcher(walks);
        for (Linear l : linears.all()) {
            String end = walks.walkUp(l.input(), v -> norms.endingAt(v).isPresent(),
                    Set.of("ReduceMean", "GlobalAveragePool"));
            if (end != null) {
                normBefore.put(l.name(), norms.endingAt(end).orElseThrow());
            }
        }
    }

    /** Recognizes the structure of {@code model} given the shapes of its values. */
    public static VitStructure recognize(Model model, ValueShapes shapes) {
        return new VitRecognizer(model, shapes).run();
    }

    private VitStructure run() {
        AttentionMatcher attentionMatcher = new AttentionMatcher(walks, linears, shapes);
        List<TransformerBlock> blocks = new ArrayList<>();
        List<Attention> loose = new ArrayList<>();
        for (Node n : graph.topologicalOrder()) {
            if (!n.is("Softmax")) {
                continue;
            }
            AttentionMatcher.Result r = attentionMatcher.at(n);
            if (r.attention() == null) {
                unrecognized.add(new Unrecognized(n.name(), n.opType(), r.failure()));
                continue;
            }
            TransformerBlock b = block(blocks.size(), r.attention());
            if (b == null) {
                loose.add(r.attention());
            } else {
                blocks.add(b);
            }
        }
        Embedding embedding = blocks.isEmpty() ? null : embedding(blocks.get(0).input());
        ClassifierHead head = blocks.isEmpty() ? null : head(blocks.get(blocks.size() - 1).output());
        Set<String> covered = new HashSet<>();
        blocks.forEach(b -> covered.addAll(b.nodes()));
        loose.forEach(a -> covered.addAll(attentionNodes(a)));
        List<Linear> downsamples = new ArrayList<>();
        if (!blocks.isEmpty()) {
            // embedding: everything between the image input and the first block
            for (var in : graph.feedInputs()) {
                covered.addAll(walks.nodesBetween(in.name(), blocks.get(0).input()));
            }
            // stage transitions (Swin's patch merging): everything between consecutive blocks
            for (int i = 1; i < blocks.size(); i++) {
                Set<String> transition = walks.nodesBetween(blocks.get(i - 1).output(), blocks.get(i).input());
                covered.addAll(transition);
                for (Linear l : linears.all()) {
                    if (transition.contains(l.name())) {
                        downsamples.add(l);
                    }
                }
            }
            if (head != null && head.head() != null) {
                covered.addAll(walks.nodesBetween(blocks.get(blocks.size() - 1).output(), head.head().output()));
            }
        }
        for (Node n : graph.nodes()) {
            if (COMPUTE_OPS.contains(n.opType()) && !covered.contains(n.name())
                    && unrecognized.stream().noneMatch(u -> u.node().equals(n.name()))) {
                unrecognized.add(new Unrecognized(n.name(), n.opType(), "not part of any recognized block, embedding or head"));
            }
        }
        return new VitStructure(embedding, blocks, head, downsamples, loose, unrecognized);
    }

    private TransformerBlock block(int index, Attention a) {
        LayerNorm norm1 = normBefore.get(a.q().name());
        if (norm1 == null) {
            unrecognized.add(new Unrecognized(a.softmax().name(), "Softmax",
                    "attention found, but no LayerNorm before its projections (post-norm blocks are not recognized)"));
            return null;
        }
        String x = norm1.input();
        Node add1 = residualAdd(a.proj().output(), x);
        if (add1 == null) {
            unrecognized.add(new Unrecognized(a.proj().name(), a.proj().node().opType(),
                    "no residual Add joins the attention output to the block input"));
            return null;
        }
        String y = add1.output(0);
        Linear fc1 = null;
        LayerNorm norm2 = null;
        for (Linear l : linears.all()) {
            LayerNorm n = normBefore.get(l.name());
            // hierarchical exports reshape the stream between the residual and norm2
            if (n != null && n != norm1 && walks.walkUp(n.input(), v -> v.equals(y), Set.of()) != null) {
                fc1 = l;
                norm2 = n;
                break;
            }
        }
        if (fc1 == null) {
            unrecognized.add(new Unrecognized(add1.name(), "Add", "no LayerNorm → Linear (MLP fc1) after the attention residual"));
            return null;
        }
        Activation act = activations.startingAt(fc1.output()).orElse(null);
        if (act == null) {
            unrecognized.add(new Unrecognized(fc1.name(), fc1.node().opType(), "the MLP activation after fc1 is not a recognized GELU/ReLU form"));
            return null;
        }
        Linear fc2 = null;
        for (Linear l : linears.all()) {
            if (walks.walkUp(l.input(), v -> v.equals(act.output()), Set.of()) != null) {
                fc2 = l;
                break;
            }
        }
        if (fc2 == null) {
            unrecognized.add(new Unrecognized(fc1.name(), fc1.node().opType(), "no Linear (MLP fc2) reads the activation"));
            return null;
        }
        Node add2 = residualAdd(fc2.output(), norm2.input());
        if (add2 == null && !norm2.input().equals(y)) {
            add2 = residualAdd(fc2.output(), y);
        }
        if (add2 == null) {
            unrecognized.add(new Unrecognized(fc2.name(), fc2.node().opType(), "no residual Add closes the MLP branch"));
            return null;
        }
        Set<String> nodes = walks.nodesOwnedBetween(x, add2.output(0));
        return new TransformerBlock(index, x, norm1, a, add1, norm2, new Mlp(fc1, act, fc2), add2, nodes);
    }

    /** The Add that joins a branch (reached through layout ops and layer scales) to the stream {@code stream}. */
    private Node residualAdd(String branch, String stream) {
        return walks.walkDown(branch, (n, v) -> n.is("Add") && n.inputs().size() == 2
                && (n.input(0).equals(v) && n.input(1).equals(stream) || n.input(1).equals(v) && n.input(0).equals(stream)));
    }

    private Embedding embedding(String firstBlockInput) {
        Node conv = null;
        String cls = null;
        String pos = null;
        Deque<String> queue = new ArrayDeque<>(List.of(firstBlockInput));
        Set<String> seen = new HashSet<>();
        int visited = 0;
        while (!queue.isEmpty() && visited++ < 64) {
            String v = queue.poll();
            if (!seen.add(v)) {
                continue;
            }
            Node p = graph.producer(v).orElse(null);
            if (p == null) {
                continue;
            }
            if (p.is("Conv") && walks.isConstant(p.input(1))) {
                conv = p;
                continue; // the image side of the conv is preprocessing, not tokens
            }
            if (p.is("Add") && pos == null) {
                for (String in : p.inputs()) {
                    Tensor t = graph.constant(in).orElse(null);
                    if (t != null && t.rank() >= 2 && t.numel() > 1) {
                        pos = in;
                    }
                }
            }
            if (p.is("Concat") && cls == null) {
                for (String in : p.inputs()) {
                    String src = walks.walkUp(in, c -> graph.constant(c).map(t -> t.rank() == 3 && t.dim(1) == 1).orElse(false),
                            Set.of("Tile", "Where"));
                    if (src != null) {
                        cls = src;
                    }
                }
            }
            for (String in : p.inputs()) {
                if (!in.isEmpty() && !walks.isConstant(in) && !isShapeComputation(in)) {
                    queue.add(in);
                }
            }
        }
        long patch = 0;
        if (conv != null) {
            long[] k = conv.intsAttr("kernel_shape");
            long[] s = conv.intsAttr("strides");
            if (k == null) {
                // [out, in, kH, kW]; a weight of lower rank is not a valid Conv weight, so no patch size
                k = graph.constant(conv.input(1)).filter(t -> t.rank() >= 3).map(t -> new long[] {t.dim(2)})
                        .orElse(new long[] {0});
            }
            patch = s != null && s.length > 0 && k.length > 0 && s[0] == k[0] ? k[0] : 0;
        }
        long[] shape = shapes.of(firstBlockInput).orElse(new long[0]);
        long tokens = shape.length >= 2 ? shape[shape.length - 2] : 0;
        long width = shape.length >= 1 ? shape[shape.length - 1] : 0;
        return new Embedding(conv, patch, cls, pos, tokens, width);
    }

    /** Values computed by Shape → Gather → … chains carry sizes, not data. */
    private boolean isShapeComputation(String value) {
        Node p = graph.producer(value).orElse(null);
        if (p == null) {
            return false;
        }
        if (p.is("Shape") || p.is("ConstantOfShape") || p.is("Size")) {
            return true;
        }
        long[] s = shapes.of(value).orElse(null);
        return s != null && s.length <= 1 && graph.producer(value).map(n -> n.is("Where") || n.is("Equal")
                || n.is("Unsqueeze") || n.is("Concat") || n.is("Gather") || n.is("Mul")).orElse(false);
    }

    private ClassifierHead head(String lastBlockOutput) {
        for (Linear l : linears.all()) {
            LayerNorm n = normBefore.get(l.name());
            if (n != null && walks.walkUp(n.input(), v -> v.equals(lastBlockOutput), Set.of()) != null) {
                return new ClassifierHead(n, pooling(l.input(), n.output()), l);
            }
        }
        // No final norm: a Linear reading the last block output directly (through pooling).
        for (Linear l : linears.all()) {
            if (walks.walkUp(l.input(), v -> v.equals(lastBlockOutput), Set.of("ReduceMean", "GlobalAveragePool")) != null) {
                return new ClassifierHead(null, pooling(l.input(), lastBlockOutput), l);
            }
        }
        unrecognized.add(new Unrecognized(lastBlockOutput, "-", "no classifier head found after the last block"));
        return null;
    }

    private ClassifierHead.Pooling pooling(String from, String stop) {
        String v = from;
        for (int i = 0; i < 20 && v != null && !v.equals(stop); i++) {
            Node p = graph.producer(v).orElse(null);
            if (p == null) {
                break;
            }
            if (p.is("ReduceMean") || p.is("GlobalAveragePool")) {
                return ClassifierHead.Pooling.MEAN;
            }
            if (p.is("Gather") || p.is("Slice")) {
                return ClassifierHead.Pooling.CLASS_TOKEN;
            }
            v = walks.dataInput(p);
        }
        return ClassifierHead.Pooling.UNKNOWN;
    }

    private static Set<String> attentionNodes(Attention a) {
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (Linear l : List.of(a.q(), a.k(), a.v(), a.proj())) {
            names.put(l.name(), true);
        }
        names.put(a.scores().name(), true);
        names.put(a.softmax().name(), true);
        names.put(a.context().name(), true);
        return names.keySet();
    }
}
