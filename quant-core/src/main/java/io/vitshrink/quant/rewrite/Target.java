package io.vitshrink.quant.rewrite;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.plan.TensorRole;
import io.vitshrink.quant.quantizers.Granularity;
import io.vitshrink.quant.quantizers.UniformParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One plan entry resolved against a graph: the tensor's constant value (weights), the consumer nodes
 * whose reads go through the quantizer, and the input positions at which they read it. Resolving
 * checks everything a user can get wrong and names it.
 *
 * @param quantization the plan entry
 * @param constant the weight's value (null for an activation)
 * @param consumers the nodes that read the quantized value, in graph order
 */
record Target(TensorQuantization quantization, Tensor constant, List<Node> consumers) {

    String tensor() {
        return quantization.tensor();
    }

    UniformParams params() {
        return quantization.params();
    }

    boolean isWeight() {
        return quantization.role() == TensorRole.WEIGHT;
    }

    /** The channel axis, made non-negative for a tensor of {@code rank}. */
    int axis(int rank) {
        int a = params().axis();
        return a < 0 ? a + rank : a;
    }

    /** Redirects every read of the tensor by the consumers to {@code value}. */
    void redirect(Graph graph, String value) {
        for (Node n : consumers) {
            List<String> ins = n.inputs();
            for (int i = 0; i < ins.size(); i++) {
                if (ins.get(i).equals(tensor())) {
                    graph.setNodeInput(n, i, value);
                }
            }
        }
    }

    /** The first input position at which {@code node} reads the tensor. */
    int inputIndex(Node node) {
        return node.inputs().indexOf(tensor());
    }

    /**
     * Resolves a plan against a graph.
     *
     * @throws UserException naming the tensor or node when an entry does not fit the model
     */
    static List<Target> resolve(Graph graph, List<TensorQuantization> plan) {
        Set<String> values = graph.valueNames();
        Map<String, Set<Node>> routed = new HashMap<>();
        List<Target> targets = new ArrayList<>(plan.size());
        for (TensorQuantization q : plan) {
            if (!q.isUniform()) {
                throw new UserException("'" + q.tensor() + "' has a " + q.kind() + " quantizer; this rewriter writes uniform "
                        + "quantizers only (non-uniform ones go through NonUniformRewriter, simulated format)");
            }
            String t = q.tensor();
            if (!values.contains(t)) {
                throw new UserException("the quantization plan names tensor '" + t
                        + "', which the model does not have; was the plan made for another model?");
            }
            Tensor constant = null;
            if (q.role() == TensorRole.WEIGHT) {
                constant = graph.constant(t).orElseThrow(() -> new UserException("'" + t
                        + "' is quantized as a weight but is computed at run time; quantize it as an activation"));
                if (!constant.type().isFloatingPoint()) {
                    throw new UserException("weight '" + t + "' is " + constant.type() + ", not float; only float weights are quantized");
                }
                checkParamsFit(t, constant.dims(), q.params());
            } else if (q.params().spec().granularity() == Granularity.PER_GROUP) {
                throw new UserException("activation '" + t + "' is quantized per group; per-group quantization is for"
                        + " weights only: use per_tensor or per_channel for activations");
            }
            List<Node> consumers = new ArrayList<>();
            if (q.consumers().isEmpty()) {
                consumers.addAll(graph.consumers(t));
                if (consumers.isEmpty()) {
                    throw new UserException("no node reads '" + t + "', so there is nothing to quantize");
                }
            } else {
                for (String name : q.consumers()) {
                    Node n = graph.node(name).orElseThrow(() -> new UserException("the plan routes '" + t
                            + "' through node '" + name + "', which the model does not have"));
                    if (!n.inputs().contains(t)) {
                        throw new UserException("the plan routes '" + t + "' through node '" + name
                                + "', but that node does not read it (it reads " + n.inputs() + ")");
                    }
                    if (!consumers.contains(n)) {
                        consumers.add(n);
                    }
                }
            }
            for (Node n : consumers) {
                if (!routed.computeIfAbsent(t, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(n)) {
                    throw new UserException("the plan quantizes '" + t + "' for node '" + n.name()
                            + "' twice; each read may go through one quantizer only");
                }
            }
            targets.add(new Target(q, constant, List.copyOf(consumers)));
        }
        return targets;
    }

    /** Checks that the number of scales matches the weight's shape for the granularity. */
    static void checkParamsFit(String name, long[] dims, UniformParams p) {
        Granularity g = p.spec().granularity();
        if (g == Granularity.PER_TENSOR || (g == Granularity.PER_CHANNEL && p.count() == 1 && dims.length == 0)) {
            if (p.count() != 1) {
                throw new UserException("weight '" + name + "' is quantized per tensor but has " + p.count() + " scales");
            }
            return;
        }
        int axis = p.axis() < 0 ? p.axis() + dims.length : p.axis();
        if (axis < 0 || axis >= dims.length) {
            throw new UserException("weight '" + name + "' of shape " + Arrays.toString(dims)
                    + " has no channel axis " + p.axis());
        }
        long expected = dims[axis];
        if (g == Granularity.PER_GROUP) {
            if (dims.length != 2) {
                throw new UserException("weight '" + name + "' of shape " + Arrays.toString(dims)
                        + " is quantized per group, which needs a 2-D weight; use per_channel for it");
            }
            long other = dims[1 - axis];
            expected *= (other + p.spec().groupSize() - 1) / p.spec().groupSize();
        }
        if (p.count() != expected) {
            throw new UserException("weight '" + name + "' of shape " + Arrays.toString(dims) + " needs " + expected
                    + " scales " + g.key() + " on axis " + axis + ", but the plan has " + p.count());
        }
    }

    /** Removes a float weight nothing reads any more (initializer or Constant node); graph outputs stay. */
    static void dropIfUnused(Graph graph, String value) {
        if (!graph.consumers(value).isEmpty() || graph.isGraphOutput(value)) {
            return;
        }
        if (graph.isInitializer(value)) {
            graph.removeInitializer(value);
            graph.removeValueInfo(value);
            return;
        }
        graph.producer(value).filter(p -> p.is("Constant")).ifPresent(p -> {
            graph.removeNode(p);
            graph.removeValueInfo(value);
        });
    }
}
