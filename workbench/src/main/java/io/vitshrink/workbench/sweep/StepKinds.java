package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry of sweep step kinds: the one place a new kind is added.
 *
 * <p>Extension point: {@code prune} and {@code tokens} (issues 6 and 7) plug in as one line each, e.g.
 * {@code register(new CommandStep("prune", Set.of("sparsity", "method", …), true, s -> "prune " + s.get("method")))}
 * once their commands exist — a step kind only maps settings to the command's options and names its
 * output model. Chains ({@code [prune, quantize, bench]}) already work: each step gets the previous
 * step's model as {@code --model} and the sweep's model as the reference.
 */
public final class StepKinds {
    private static final Map<String, StepKind> KINDS = new LinkedHashMap<>();

    static {
        register(new QuantizeStep());
        register(new EvalStep());
        register(new BenchStep());
    }

    private StepKinds() {
    }

    public static synchronized void register(StepKind kind) {
        KINDS.put(kind.name(), kind);
    }

    public static synchronized StepKind get(String name) {
        StepKind k = KINDS.get(name);
        if (k == null) {
            throw new UserException("unknown sweep step '" + name + "': use one of " + KINDS.keySet());
        }
        return k;
    }

    public static synchronized Map<String, StepKind> all() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(KINDS));
    }
}
