package io.vitshrink.onnx.io;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Node;
import io.vitshrink.onnx.model.ValueInfo;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a loaded model before anyone uses it: supported IR and opset, and every referenced value
 * provided by a graph input, an initializer or a node. What it finds is a {@link UserException}.
 */
final class ModelValidator {
    private final String source;
    private final ModelLimits limits;

    ModelValidator(String source, ModelLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    void validate(Model model) {
        if (model.irVersion() <= 0) {
            throw new UserException(source + " is not an ONNX model (no IR version; is it another file type?)");
        }
        if (model.irVersion() > limits.maxIrVersion()) {
            throw new UserException(source + " uses ONNX IR version " + model.irVersion()
                    + ", newer than supported (at most " + limits.maxIrVersion() + "); export it with an older ONNX");
        }
        long opset = model.opset();
        if (opset == 0 && model.graph().nodes().stream().anyMatch(n -> n.domain().isEmpty() || n.domain().equals("ai.onnx"))) {
            throw new UserException(source + " uses ONNX operators but imports no ONNX opset; the file may be truncated "
                    + "or damaged, export it again");
        }
        if (opset > limits.maxOpset()) {
            throw new UserException(source + " uses opset " + opset + ", newer than supported (at most "
                    + limits.maxOpset() + "); export it with a lower opset");
        }
        if (opset != 0 && opset < limits.minOpset()) {
            throw new UserException(source + " uses opset " + opset + ", older than supported (at least "
                    + limits.minOpset() + "); export it with opset 13 or newer");
        }
        Graph g = model.graph();
        if (g.nodes().isEmpty()) {
            throw new UserException(source + " has an empty graph (no nodes)");
        }
        if (g.outputs().isEmpty()) {
            throw new UserException(source + " declares no graph outputs, so the model computes nothing; export it again");
        }
        // Every value has one definition (ONNX graphs are in SSA form): a graph input (which an initializer
        // may back), an initializer, or one node output. (A node output that shadows an initializer is let
        // through: Graph.constant() answers with the initializer, and vitshrink always accepted it.)
        Set<String> inputs = new HashSet<>();
        for (ValueInfo in : g.inputs()) {
            if (in.name().isEmpty()) {
                throw new UserException(source + " declares a graph input without a name");
            }
            if (!inputs.add(in.name())) {
                throw new UserException(source + ": graph input '" + in.name() + "' is declared twice");
            }
        }
        Set<String> available = new HashSet<>(g.initializers().keySet());
        available.addAll(inputs);
        Set<String> outputs = new HashSet<>();
        for (Node n : g.nodes()) {
            if (n.outputs().isEmpty() || n.outputs().stream().allMatch(String::isEmpty)) {
                throw new UserException(source + ": node '" + n.name() + "' (" + n.opType() + ") has no outputs; "
                        + "every ONNX operator has at least one");
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !outputs.add(out)) {
                    throw new UserException(source + ": value '" + out + "' is produced by more than one node");
                }
                if (inputs.contains(out)) {
                    throw new UserException(source + ": value '" + out + "' is written by node '" + n.name() + "' ("
                            + n.opType() + ") but is also a graph input");
                }
            }
        }
        available.addAll(outputs);
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !available.contains(in)) {
                    throw new UserException(source + ": node '" + n.name() + "' (" + n.opType() + ") reads '" + in
                            + "', which no graph input, initializer or node provides (missing initializer?)");
                }
            }
        }
        for (ValueInfo out : g.outputs()) {
            if (!available.contains(out.name())) {
                throw new UserException(source + ": graph output '" + out.name() + "' is produced by no node");
            }
        }
        try {
            g.topologicalOrder();
        } catch (IllegalStateException e) {
            throw new UserException(source + ": " + e.getMessage());
        }
    }
}
