package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.vit.Attention;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.Linear;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@link Reparameterization}s to a model: the folding engine both passes use, and the replay of
 * a plan's list on the input model without statistics.
 *
 * <p>For a LayerNorm output {@code x} with per-channel {@code scale} a and {@code shift} d, the model
 * then computes {@code x' = (x - d) / a} in its place:
 * <ul>
 *   <li>LayerNorm: {@code gamma' = gamma / a}, {@code beta' = (beta - d) / a}. A missing beta (or, in a
 *       decomposed LayerNorm, a missing gamma Mul) is added where the affine normally sits, so the
 *       result is still recognized as a LayerNorm.</li>
 *   <li>Every Linear reading {@code x} (directly or through a Transpose that keeps the last axis, a
 *       Reshape to a constant shape ending in the channel count, or an Identity):
 *       {@code W'[c, o] = W[c, o] · a_c} on the input channel, whichever way the weight is stored
 *       ({@code [in, out]} for MatMul, {@code [out, in]} for Gemm with transB), and
 *       {@code b'_o = b_o + Σ_c W[c, o] · d_c} (for Gemm scaled by alpha / beta). A missing bias becomes a
 *       new initializer (Gemm input C, or an Add after the MatMul).</li>
 * </ul>
 * A gamma, beta, weight or bias that anything else also reads is first duplicated (new initializer
 * named {@code <old>_reparam}), so nothing outside the edited LayerNorm and Linears changes. The
 * input model is never modified. The same list applied to the same model gives the same bytes.
 */
public final class Reparameterizations {

    private Reparameterizations() {
    }

    /**
     * The input model with every reparameterization of {@code list} applied in order.
     *
     * @param structure the structure recognized on {@code model}
     * @throws UserException when an entry does not fit the model (unknown LayerNorm, different readers,
     *     channel count mismatch, a weight that is not a float32 constant)
     */
    public static Model apply(Model model, VitStructure structure, List<Reparameterization> list) {
        Model out = model.copy();
        Graph g = out.graph();
        Map<String, LayerNorm> norms = new LinkedHashMap<>();
        for (LayerNorm ln : blockNorms(structure)) {
            norms.put(ln.output(), ln);
        }
        Set<String> linearNames = linearNames(structure);
        for (Reparameterization r : list) {
            LayerNorm ln = norms.get(r.norm());
            if (ln == null) {
                throw new UserException("the reparameterization of '" + r.norm() + "' names no LayerNorm of the model's "
                        + "transformer blocks; was it made for another model?");
            }
            applyOne(g, ln, linearNames, r);
        }
        return out;
    }

    private static void applyOne(Graph g, LayerNorm ln, Set<String> linearNames, Reparameterization r) {
        int channels = r.channels();
        Readers readers = readers(g, ln.output(), channels, linearNames);
        if (readers.problem() != null) {
            throw new UserException("cannot reparameterize '" + ln.output() + "': " + readers.problem());
        }
        if (!new HashSet<>(readers.linears()).equals(new HashSet<>(r.linears()))) {
            throw new UserException("'" + ln.output() + "' is read by the Linears " + readers.linears()
                    + " but the reparameterization names " + r.linears() + "; was it made for another model?");
        }
        List<LinearView> views = new ArrayList<>();
        for (String name : r.linears()) {
            LinearView v = LinearView.of(g, uniqueNode(g, name));
            if (v.in != channels) {
                throw new UserException("Linear '" + name + "' has " + v.in + " input features but the reparameterization of '"
                        + ln.output() + "' has " + channels + " channels; was it made for another model?");
            }
            views.add(v);
        }
        NormAffine affine = NormAffine.locate(g, ln, channels);
        float[] a = r.scale();
        float[] d = r.shift();
        affine.fold(g, a, d);
        for (LinearView v : views) {
            foldLinear(g, v, a, d);
        }
    }

    // ---- what can be reparameterized -----------------------------------------------------------

    /** norm1 and norm2 of every block, in execution order. */
    static List<LayerNorm> blockNorms(VitStructure s) {
        List<LayerNorm> list = new ArrayList<>();
        for (TransformerBlock b : s.blocks()) {
            if (b.norm1() != null) {
                list.add(b.norm1());
            }
            if (b.norm2() != null) {
                list.add(b.norm2());
            }
        }
        return list;
    }

    /** Names of every Linear node the structure knows. */
    static Set<String> linearNames(VitStructure s) {
        Set<String> names = new HashSet<>();
        List<Attention> attentions = new ArrayList<>(s.looseAttentions());
        for (TransformerBlock b : s.blocks()) {
            if (b.attention() != null) {
                attentions.add(b.attention());
            }
            if (b.mlp() != null) {
                addLinear(names, b.mlp().fc1());
                addLinear(names, b.mlp().fc2());
            }
        }
        for (Attention a : attentions) {
            addLinear(names, a.q());
            addLinear(names, a.k());
            addLinear(names, a.v());
            addLinear(names, a.proj());
        }
        s.downsamples().forEach(l -> addLinear(names, l));
        if (s.head() != null) {
            addLinear(names, s.head().head());
        }
        return names;
    }

    private static void addLinear(Set<String> names, Linear l) {
        if (l != null && !l.name().isEmpty()) {
            names.add(l.name());
        }
    }

    /** The Linear nodes reading a value, or why the value's readers are not all Linears. */
    record Readers(List<String> linears, String problem) {
    }

    /**
     * Walks the readers of {@code value}: Linears (input 0 only) end a path; Identity, a Transpose that
     * keeps the last axis last, and a Reshape to a constant shape whose last entry is {@code channels}
     * are looked through; Shape and Size are ignored (they only read the shape); anything else (or a
     * graph output) makes the value ineligible.
     */
    static Readers readers(Graph g, String value, int channels, Set<String> linearNames) {
        Map<String, Integer> nameCount = new HashMap<>();
        for (Node n : g.nodes()) {
            nameCount.merge(n.name(), 1, Integer::sum);
        }
        Set<String> found = new LinkedHashSet<>();
        String problem = walk(g, value, channels, linearNames, nameCount, found, 0);
        if (problem == null && found.isEmpty()) {
            problem = "no Linear reads it";
        }
        return problem == null ? new Readers(List.copyOf(found), null) : new Readers(List.of(), problem);
    }

    private static String walk(Graph g, String value, int channels, Set<String> linearNames,
            Map<String, Integer> nameCount, Set<String> found, int depth) {
        if (g.isGraphOutput(value)) {
            return "'" + value + "' is a graph output";
        }
        if (depth > 8) {
            return "the path to its Linears is too long";
        }
        for (Node n : g.consumers(value)) {
            if ((n.is("MatMul") || n.is("Gemm")) && linearNames.contains(n.name())) {
                if (!n.input(0).equals(value) || n.inputs().subList(1, n.inputs().size()).contains(value)) {
                    return "Linear '" + n.name() + "' reads it as a weight or bias";
                }
                if (nameCount.getOrDefault(n.name(), 0) != 1) {
                    return "the name of Linear '" + n.name() + "' is not unique in the graph";
                }
                found.add(n.name());
            } else if (n.is("Shape") || n.is("Size")) {
                continue; // reads only the shape, which a reparameterization keeps
            } else if (isPassThrough(g, n, value, channels)) {
                String p = walk(g, n.output(0), channels, linearNames, nameCount, found, depth + 1);
                if (p != null) {
                    return p;
                }
            } else {
                return "it is also read by " + n.opType() + " '" + n.name() + "', not only by Linears";
            }
        }
        return null;
    }

    private static boolean isPassThrough(Graph g, Node n, String value, int channels) {
        if (n.outputs().size() != 1 || !n.input(0).equals(value)) {
            return false;
        }
        if (n.is("Identity")) {
            return true;
        }
        if (n.is("Transpose")) {
            long[] perm = n.intsAttr("perm");
            return perm != null && perm.length >= 1 && perm[perm.length - 1] == perm.length - 1;
        }
        if (n.is("Reshape") && !n.input(1).equals(value)) {
            Tensor shape = g.constant(n.input(1)).orElse(null);
            if (shape == null || shape.rank() != 1 || shape.numel() == 0) {
                return false;
            }
            long[] s = shape.toLongs();
            return s[s.length - 1] == channels;
        }
        return false;
    }

    static Node uniqueNode(Graph g, String name) {
        Node found = null;
        for (Node n : g.nodes()) {
            if (n.name().equals(name)) {
                if (found != null) {
                    throw new UserException("the graph has more than one node named '" + name + "'");
                }
                found = n;
            }
        }
        if (found == null) {
            throw new UserException("the graph has no node named '" + name + "'");
        }
        return found;
    }

    // ---- folding into a Linear -----------------------------------------------------------------

    private static void foldLinear(Graph g, LinearView v, float[] a, float[] d) {
        float[] w = new float[v.weight.length];
        double[] delta = new double[v.out];
        boolean shifted = false;
        for (float x : d) {
            shifted |= x != 0f;
        }
        for (int c = 0; c < v.in; c++) {
            for (int o = 0; o < v.out; o++) {
                int i = v.index(c, o);
                w[i] = v.weight[i] * a[c];
                delta[o] += (double) v.weight[i] * d[c];
            }
        }
        Node node = v.node;
        writeInput(g, node, 1, Tensor.ofFloats("", v.dims(), w), node.name() + "/reparam_weight");
        if (!shifted) {
            return;
        }
        if (v.gemm) {
            float alpha = node.floatAttr("alpha", 1f);
            float beta = node.floatAttr("beta", 1f);
            double factor = (double) alpha / beta;
            String c = node.input(2);
            if (!c.isEmpty() && beta == 0f) {
                throw new UserException("Gemm '" + node.name() + "' has beta=0 (its bias C is ignored); cannot fold a shift into it");
            }
            float[] bias = c.isEmpty() ? new float[v.out] : biasValues(g, c, v.out, node.name());
            float[] nb = new float[v.out];
            for (int o = 0; o < v.out; o++) {
                nb[o] = (float) (bias[o] + (c.isEmpty() ? alpha : factor) * delta[o]);
            }
            if (c.isEmpty() && beta != 1f) {
                node.setAttribute(Attribute.of("beta", 1f));
            }
            writeInput(g, node, 2, Tensor.ofFloats("", new long[] {v.out}, nb), node.name() + "/reparam_bias");
            return;
        }
        String mmOut = node.output(0);
        List<Node> consumers = g.consumers(mmOut);
        if (consumers.size() == 1 && consumers.get(0).is("Add") && !g.isGraphOutput(mmOut)) {
            Node add = consumers.get(0);
            int idx = add.input(0).equals(mmOut) ? 1 : 0;
            Tensor b = g.constant(add.input(idx)).orElse(null);
            if (b != null && b.numel() == v.out && b.rank() <= 1 && b.type() == DataType.FLOAT
                    && !add.input(idx).equals(mmOut)) {
                float[] bias = b.toFloats();
                float[] nb = new float[v.out];
                for (int o = 0; o < v.out; o++) {
                    nb[o] = (float) (bias[o] + delta[o]);
                }
                writeInput(g, add, idx, Tensor.ofFloats("", b.dims(), nb), node.name() + "/reparam_bias");
                return;
            }
        }
        // No bias: add one after the MatMul.
        float[] nb = new float[v.out];
        for (int o = 0; o < v.out; o++) {
            nb[o] = (float) delta[o];
        }
        String biasName = g.uniqueName(node.name() + "/reparam_bias");
        g.putInitializer(Tensor.ofFloats(biasName, new long[] {v.out}, nb));
        String outName = g.uniqueName(mmOut + "_reparam_biased");
        Node add = new Node(g.uniqueName(node.name() + "/reparam_bias_add"), "Add", List.of(mmOut, biasName),
                List.of(outName));
        g.insertOnEdge(mmOut, null, add);
    }

    private static float[] biasValues(Graph g, String value, int count, String nodeName) {
        Tensor t = g.constant(value).orElseThrow(() -> new UserException("the bias '" + value + "' of Linear '"
                + nodeName + "' is not a constant; cannot fold a shift into it"));
        if (t.type() != DataType.FLOAT) {
            throw new UserException("the bias '" + value + "' of Linear '" + nodeName + "' is " + t.type()
                    + "; reparameterization edits float32 only");
        }
        float[] v = t.toFloats();
        if (v.length == count) {
            return v;
        }
        if (v.length == 1) {
            float[] e = new float[count];
            java.util.Arrays.fill(e, v[0]);
            return e;
        }
        throw new UserException("the bias '" + value + "' of Linear '" + nodeName + "' has shape "
                + java.util.Arrays.toString(t.dims()) + ", not one value per output; cannot fold a shift into it");
    }

    // ---- editing constants without touching other readers ---------------------------------------

    /**
     * Sets input {@code idx} of {@code node} to a constant with {@code value}'s data: in place when the
     * current input is an initializer only this node reads (once), else as a new initializer (named
     * after the old value, or {@code fallbackName} when the input is absent) that only this node reads.
     */
    static void writeInput(Graph g, Node node, int idx, Tensor value, String fallbackName) {
        String cur = node.input(idx);
        boolean exclusive = !cur.isEmpty() && g.isInitializer(cur) && !g.isGraphOutput(cur)
                && g.consumers(cur).size() == 1 && g.consumers(cur).get(0) == node
                && node.inputs().stream().filter(cur::equals).count() == 1;
        if (exclusive) {
            g.replaceInitializer(cur, value);
            return;
        }
        String name = g.uniqueName(cur.isEmpty() ? fallbackName : cur + "_reparam");
        g.putInitializer(value.withName(name));
        g.setNodeInput(node, idx, name);
        removeIfOrphan(g, cur);
    }

    /** Removes an initializer, or a Constant / Transpose / Identity / Cast chain, that nothing reads any more. */
    private static void removeIfOrphan(Graph g, String value) {
        if (value.isEmpty() || !g.consumers(value).isEmpty() || g.isGraphOutput(value)) {
            return;
        }
        if (g.isInitializer(value)) {
            if (g.inputs().stream().noneMatch(v -> v.name().equals(value))) {
                g.removeInitializer(value);
            }
            return;
        }
        Node p = g.producer(value).orElse(null);
        if (p != null && p.outputs().size() == 1
                && (p.is("Constant") || p.is("Transpose") || p.is("Identity") || p.is("Cast"))) {
            g.removeNode(p);
            for (String in : p.inputs()) {
                removeIfOrphan(g, in);
            }
        }
    }
}
