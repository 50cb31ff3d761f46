package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry of sweep step kinds: the one place a new kind is added.
 *
 * <p>Extension point: a command that writes a model plugs in as one {@link StepKind} class and one line
 * here ({@link TokensStep} is the pattern) — a step kind only maps settings to the command's options and
 * names its output model. Chains ({@code [prune, quantize, bench]}) already work: each step gets the previous
 * step's model as {@code --model} and the sweep's model as the reference.
 */
public final class StepKinds {
    private static final Map<String, StepKind> KINDS = new LinkedHashMap<>();

    static {
        register(new QuantizeStep());
        register(new EvalStep());
        register(new BenchStep());
        register(new TokensStep());
        register(new PruneStep());
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
