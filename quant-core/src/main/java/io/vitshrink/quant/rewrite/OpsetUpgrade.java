package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Attribute;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.model.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Raises a model's default-domain opset, converting the operators whose signature changed on the way
 * so that the model computes the same function. int4 and blocked (per-group) QDQ need opset 21, while
 * exporters usually write 13–17.
 *
 * <p>Converted (attribute becomes an input, or a spelling changed): {@code ReduceSum} (13),
 * {@code ReduceMean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare} (18), {@code Split} (13: {@code split}
 * becomes an input; 18: {@code num_outputs} is written when neither is given), {@code Squeeze} and
 * {@code Unsqueeze} (13), {@code Softmax/LogSoftmax/Hardmax} (13, when the axis is the last one),
 * {@code Clip} (11), {@code Pad} (11), {@code Slice} and {@code TopK} (10), {@code Dropout} (12),
 * {@code GridSample} (20). Refused, with the reason: {@code Upsample}, {@code Scatter}, {@code Resize}
 * below 11, {@code DFT} below 20, {@code GroupNormalization} below 21, {@code Softmax} on a non-last axis
 * below 13, and any node with a subgraph (If/Loop/Scan). Every other operator kept its meaning across
 * these versions (only types were added). Models below opset {@value #MIN_SOURCE_OPSET} are refused.
 */
public final class OpsetUpgrade {
    /** The oldest opset this class converts from. */
    public static final long MIN_SOURCE_OPSET = 10;

    private static final List<String> REDUCE_18 = List.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    private OpsetUpgrade() {
    }

    /**
     * A copy of {@code model} at default opset {@code target} (the model itself, copied, when it is
     * already there).
     *
     * @throws UserException when an operator cannot be converted, or {@code target} is lower than the
     *     model's opset
     */
    public static Model upgrade(Model model, long target) {
        Model copy = model.copy();
        applyInPlace(copy, target);
        return copy;
    }

    /** Upgrades {@code model} itself (a copy the caller owns). */
    static void applyInPlace(Model model, long target) {
        long from = model.opset();
        if (from == target) {
            return;
        }
        if (from > target) {
            throw new UserException("the model is at opset " + from + ", newer than the requested " + target
                    + "; opsets are only raised");
        }
        if (from < MIN_SOURCE_OPSET) {
            throw new UserException("the model is at opset " + from + "; vitshrink raises opsets from "
                    + MIN_SOURCE_OPSET + " on only: re-export the model at opset 13 or newer");
        }
        Graph g = model.graph();
        List<String> problems = new ArrayList<>();
        for (Node n : new ArrayList<>(g.nodes())) {
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                continue;
            }
            if (n.attributes().values().stream().anyMatch(a -> a.kind() == Attribute.Kind.GRAPH)) {
                problems.add(n.opType() + " '" + n.name() + "' has a subgraph, which vitshrink does not convert");
                continue;
            }
            convert(g, n, from, target).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new UserException("cannot raise the model from opset " + from + " to " + target + ": "
                    + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                    + (problems.size() > 3 ? " (and " + (problems.size() - 3) + " more)" : "")
                    + "; re-export the model at opset " + target);
        }
        String key = model.opsets().containsKey("") || !model.opsets().containsKey("ai.onnx") ? "" : "ai.onnx";
        model.setOpset(key, target);
        model.setIrVersion(Math.max(model.irVersion(), minimumIrVersion(target)));
    }

    /** The IR version that first carried an opset (what ONNX Runtime expects with it). */
    static long minimumIrVersion(long opset) {
        if (opset >= 21) {
            return 10;
        }
        if (opset >= 19) {
            return 9;
        }
        if (opset >= 15) {
            return 8;
        }
        return 7;
    }

    /** Converts one node; returns a description of the problem when it cannot be converted. */
    private static Optional<String> convert(Graph g, Node n, long from, long to) {
        String op = n.opType();
        if (crosses(from, to, 13) && op.equals("ReduceSum") || crosses(from, to, 18) && REDUCE_18.contains(op)
                || crosses(from, to, 13) && (op.equals("Squeeze") || op.equals("Unsqueeze"))) {
            attributeToInput(g, n, "axes", 1);
            return Optional.empty();
        }
        switch (op) {
            case "Split" -> {
                if (crosses(from, to, 13)) {
                    attributeToInput(g, n, "split", 1);
                }
                if (crosses(from, to, 18) && n.input(1).isEmpty() && n.attribute("num_outputs").isEmpty()) {
                    n.setAttribute(Attribute.of("num_outputs", (long) n.outputs().size()));
                }
            }
            case "Softmax", "LogSoftmax", "Hardmax" -> {
                if (crosses(from, to, 13)) {
                    long axis = n.intAttr("axis", 1);
                    int rank = rank(g, n.input(0));
                    boolean last = axis == -1 || rank > 0 && axis == rank - 1;
                    if (!last) {
                        return Optional.of(op + " '" + n.name() + "' normalizes over the flattened axes from " + axis
                                + " on, which opset 13 no longer does");
                    }
                    n.setAttribute(Attribute.of("axis", -1L));
                }
            }
            case "Clip" -> {
                if (crosses(from, to, 11)) {
                    Optional<Attribute> min = n.attribute("min");
                    Optional<Attribute> max = n.attribute("max");
                    n.removeAttribute("min");
                    n.removeAttribute("max");
                    if (min.isPresent()) {
                        g.setNodeInput(n, 1, scalar(g, n, "min", min.get().asFloat()));
                    }
                    if (max.isPresent()) {
                        g.setNodeInput(n, 2, scalar(g, n, "max", max.get().asFloat()));
                    }
                }
            }
            case "Pad" -> {
                if (crosses(from, to, 11)) {
                    attributeToInput(g, n, "pads", 1);
                    Optional<Attribute> value = n.attribute("value");
                    n.removeAttribute("value");
                    if (value.isPresent() && value.get().asFloat() != 0f) {
                        g.setNodeInput(n, 2, scalar(g, n, "value", value.get().asFloat()));
                    }
                }
            }
            case "Dropout" -> {
                if (crosses(from, to, 12)) {
                    Optional<Attribute> ratio = n.attribute("ratio");
                    n.removeAttribute("ratio");
                    if (ratio.isPresent()) {
                        g.setNodeInput(n, 1, scalar(g, n, "ratio", ratio.get().asFloat()));
                    }
                }
            }
            case "Slice" -> {
                if (crosses(from, to, 10)) {
                    attributeToInput(g, n, "starts", 1);
                    attributeToInput(g, n, "ends", 2);
                    attributeToInput(g, n, "axes", 3);
                }
            }
            case "TopK" -> {
                if (crosses(from, to, 10) && n.attribute("k").isPresent()) {
                    long k = n.intAttr("k", 1);
                    n.removeAttribute("k");
                    String name = g.uniqueName(n.name() + "/k");
                    g.putInitializer(Tensor.vector(name, k));
                    g.setNodeInput(n, 1, name);
                }
            }
            case "GridSample" -> {
                if (crosses(from, to, 20)) {
                    String mode = n.stringAttr("mode", "bilinear");
                    n.setAttribute(Attribute.of("mode", switch (mode) {
                        case "bilinear" -> "linear";
                        case "bicubic" -> "cubic";
                        default -> mode;
                    }));
                }
            }
            case "Upsample", "Scatter" -> {
                return Optional.of(op + " '" + n.name() + "' is deprecated and has no newer version");
            }
            case "Resize" -> {
                if (crosses(from, to, 11)) {
                    return Optional.of("Resize '" + n.name() + "' changed its coordinate modes at opset 11");
                }
            }
            case "DFT" -> {
                if (crosses(from, to, 20)) {
                    return Optional.of("DFT '" + n.name() + "' takes its axis as an input from opset 20 on");
                }
            }
            case "GroupNormalization" -> {
                if (crosses(from, to, 21)) {
                    return Optional.of("GroupNormalization '" + n.name()
                            + "' takes per-channel scale and bias from opset 21 on");
                }
            }
            default -> {
                // unchanged signature between the versions
            }
        }
        return Optional.empty();
    }

    /** Whether the operator set changed at {@code version} on the way from {@code from} to {@code to}. */
    private static boolean crosses(long from, long to, long version) {
        return from < version && to >= version;
    }

    /** Moves an ints attribute into an int64 initializer read at {@code index}; nothing when absent. */
    private static void attributeToInput(Graph g, Node n, String attr, int index) {
        long[] values = n.intsAttr(attr);
        if (values == null) {
            return;
        }
        n.removeAttribute(attr);
        String name = g.uniqueName((n.name().isEmpty() ? n.output(0) : n.name()) + "/" + attr);
        g.putInitializer(Tensor.vector(name, values));
        g.setNodeInput(n, index, name);
    }

    private static String scalar(Graph g, Node n, String what, float value) {
        String name = g.uniqueName((n.name().isEmpty() ? n.output(0) : n.name()) + "/" + what);
        g.putInitializer(Tensor.scalar(name, value));
        return name;
    }

    /** The declared rank of a value, or -1 when the model does not say. */
    private static int rank(Graph g, String value) {
        ValueInfo vi = g.valueInfos().get(value);
        if (vi == null) {
            vi = g.inputs().stream().filter(v -> v.name().equals(value)).findFirst()
                    .orElse(g.outputs().stream().filter(v -> v.name().equals(value)).findFirst().orElse(null));
        }
        return vi != null && vi.hasShape() ? vi.shape().size() : -1;
    }
}
