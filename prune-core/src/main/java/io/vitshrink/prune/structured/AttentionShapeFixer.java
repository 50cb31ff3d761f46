package io.vitshrink.prune.structured;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.onnx.vit.Attention;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the shape constants of one attention unit after heads were removed, so that the head
 * split and merge reshapes take {@code H'} heads and {@code H'·d} features:
 * <ul>
 *   <li>a Reshape that splits heads (output ends in d): the axis holding H (the last one before d
 *       whose per-image size is H: {@code [B,N,3,H,d]}, {@code [B,N,H,d]}, {@code [N,B·H,d]}) becomes H';</li>
 *   <li>a Reshape that merges heads (output ends in H·d) ends in H'·d;</li>
 *   <li>a Split of the fused projection into q, k, v takes H'·d per part.</li>
 * </ul>
 * A shape element is a constant (replaced by a new initializer named after the node, so shared
 * constants elsewhere stay intact), {@code -1} (inferred, nothing to do), computed from a tensor's
 * Shape (adapts by itself), or {@code batch × H} through a Mul by the constant H (the Mul's constant
 * is replaced). Anything else is refused with a message naming the node.
 */
final class AttentionShapeFixer {
    private final Graph g;
    private final ValueShapes shapes;
    private final Set<String> fixedMuls = new HashSet<>();

    AttentionShapeFixer(Graph g, ValueShapes shapes) {
        this.g = g;
        this.shapes = shapes;
    }

    /** Fixes every Reshape/Split between the q/k/v projections and proj; returns the values whose shapes changed. */
    Set<String> fix(Attention a, int heads, int keptHeads) {
        long d = a.headDim();
        long c = heads * d;
        long c2 = keptHeads * d;
        Set<String> changed = new HashSet<>();
        for (Node n : region(a)) {
            n.outputs().forEach(changed::add);
            if (n.is("Split")) {
                fixSplit(n, c, c2);
            } else if (n.is("Reshape")) {
                long[] out = shapes.of(n.output(0)).orElseThrow(() -> new UserException(
                        "no measured shape for '" + n.output(0) + "'; cannot fix the reshape '" + n.name() + "'"));
                int r = out.length;
                if (r >= 3 && out[r - 1] == d) {
                    int axis = -1;
                    for (int i = r - 2; i >= 0; i--) {
                        if (out[i] == heads) {
                            axis = i;
                            break;
                        }
                    }
                    if (axis < 0) {
                        throw new UserException("cannot find the head axis in the output of reshape '" + n.name() + "'");
                    }
                    setShapeElement(n, axis, heads, keptHeads);
                } else if (r >= 1 && out[r - 1] == c) {
                    setShapeElement(n, r - 1, c, c2);
                }
            }
        }
        return changed;
    }

    /** Nodes on paths from the q/k/v outputs to the proj input. */
    private List<Node> region(Attention a) {
        Set<String> forward = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(a.q().output(), a.k().output(), a.v().output()));
        Set<String> seenValues = new HashSet<>(todo);
        while (!todo.isEmpty()) {
            for (Node n : g.consumers(todo.pop())) {
                if (n == a.proj().node() || !forward.add(n.name())) {
                    continue;
                }
                for (String o : n.outputs()) {
                    if (seenValues.add(o)) {
                        todo.push(o);
                    }
                }
            }
        }
        Set<String> backward = new HashSet<>();
        Deque<String> back = new ArrayDeque<>(List.of(a.proj().input()));
        Set<String> seenBack = new HashSet<>(back);
        while (!back.isEmpty()) {
            Node p = g.producer(back.pop()).orElse(null);
            if (p == null || !backward.add(p.name())) {
                continue;
            }
            for (String in : p.inputs()) {
                if (!in.isEmpty() && seenBack.add(in)) {
                    back.push(in);
                }
            }
        }
        return g.nodes().stream().filter(n -> forward.contains(n.name()) && backward.contains(n.name())).toList();
    }

    private void fixSplit(Node n, long c, long c2) {
        if (n.inputs().size() > 1 && !n.input(1).isEmpty()) {
            long[] sizes = g.constant(n.input(1)).orElseThrow(() -> new UserException(
                    "the split sizes of '" + n.name() + "' are computed; vitshrink cannot shrink them")).toLongs();
            g.setNodeInput(n, 1, newConstant(n, "split", replaceAll(sizes, c, c2, n)));
        } else if (n.attribute("split").isPresent()) {
            n.setAttribute(Attribute.ofInts("split", replaceAll(n.intsAttr("split"), c, c2, n)));
        } // equal parts: adapts by itself
    }

    private static long[] replaceAll(long[] sizes, long c, long c2, Node n) {
        long[] out = sizes.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] != c) {
                throw new UserException("split '" + n.name() + "' has a part of " + out[i] + ", not " + c + " features");
            }
            out[i] = c2;
        }
        return out;
    }

    /** Sets element {@code axis} of the shape input of a Reshape from {@code old} to {@code now}. */
    private void setShapeElement(Node reshape, int axis, long old, long now) {
        String shape = reshape.input(1);
        Tensor direct = g.constant(shape).orElse(null);
        if (direct != null) {
            long[] v = direct.toLongs();
            if (v[axis] == -1) {
                return;
            }
            check(reshape, v[axis], old);
            v[axis] = now;
            g.setNodeInput(reshape, 1, newConstant(reshape, "shape", v));
            return;
        }
        Node concat = g.producer(shape).orElse(null);
        if (concat == null || !concat.is("Concat")) {
            throw new UserException("the shape of reshape '" + reshape.name() + "' is neither a constant nor a Concat");
        }
        int pos = 0;
        for (int i = 0; i < concat.inputs().size(); i++) {
            String piece = concat.input(i);
            Tensor t = g.constant(piece).orElse(null);
            int len = t != null ? (int) t.numel() : 1;
            if (axis < pos + len) {
                if (t != null) {
                    long[] v = t.toLongs();
                    if (v[axis - pos] == -1) {
                        return;
                    }
                    check(reshape, v[axis - pos], old);
                    v[axis - pos] = now;
                    g.setNodeInput(concat, i, newConstant(concat, "piece" + i, v));
                } else {
                    fixComputedPiece(reshape, piece, old, now);
                }
                return;
            }
            pos += len;
        }
        throw new UserException("the shape of reshape '" + reshape.name() + "' has no element " + axis);
    }

    /** A computed element: batch × H through a Mul by a constant is fixed; a Shape-derived one adapts. */
    private void fixComputedPiece(Node reshape, String piece, long old, long now) {
        Node p = g.producer(piece).orElse(null);
        while (p != null && (p.is("Unsqueeze") || p.is("Cast") || p.is("Reshape") || p.is("Squeeze"))) {
            p = g.producer(p.input(0)).orElse(null);
        }
        if (p != null && p.is("Mul")) {
            for (int i = 0; i < 2; i++) {
                Tensor t = g.constant(p.input(i)).orElse(null);
                if (t != null && t.numel() == 1) {
                    if (fixedMuls.add(p.name())) {
                        check(reshape, t.toLongs()[0], old);
                        String name = g.uniqueName(p.name() + "/pruned_heads");
                        g.putInitializer(Tensor.ofLongs(name, t.dims(), new long[] {now}));
                        g.setNodeInput(p, i, name);
                    }
                    return;
                }
            }
        }
        // derived from the runtime shape of a tensor that already shrank: nothing to change
    }

    private static void check(Node reshape, long found, long expected) {
        if (found != expected) {
            throw new UserException("reshape '" + reshape.name() + "' has " + found + " where " + expected
                    + " was expected; vitshrink cannot remove heads from this export");
        }
    }

    private String newConstant(Node n, String what, long[] values) {
        String name = g.uniqueName(n.name() + "/pruned_" + what);
        g.putInitializer(Tensor.ofLongs(name, new long[] {values.length}, values));
        return name;
    }
}
