package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prune}: runs {@code vitshrink prune} on the sweep's {@code calib} (evaluated against the original
 * on its {@code eval} when given). Settings are the prune options of the same name; the flags
 * {@code reconstruct}, {@code one_shot}, {@code layer_by_layer} and {@code adaptive_mask} take
 * {@code true} / {@code false}; {@code allocate} takes {@code true} / {@code false} or its measure ({@code layer},
 * {@code network}); {@code dense_target} takes the dense output's share (0–1).
 */
final class PruneStep implements StepKind {
    private static final Set<String> FLAGS = Set.of("reconstruct", "one_shot", "layer_by_layer", "adaptive_mask");

    @Override
    public String name() {
        return "prune";
    }

    @Override
    public Set<String> settings() {
        return Set.of("method", "block", "score", "sparsity", "target_macs", "reconstruct", "reconstruct_method",
                "damping", "one_shot", "layer_by_layer", "adaptive_mask", "dense_target", "group", "head_cost", "allocate");
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        SweepData d = ctx.data();
        if (d.calib() == null) {
            throw new UserException("sweep: a prune step needs data.calib (calibration images) in the sweep file");
        }
        CommandArgs a = new CommandArgs("prune").path("--model", ctx.input()).add("--calib", d.calib())
                .add("--calib-size", d.calibSize()).add("--calib-seed", d.calibSeed())
                .add("--image-size", d.imageSize()).path("--out", output(ctx)).path("--json", json(ctx))
                .add("--threads", ctx.threads()).flag("--quiet", true).data(d);
        if (d.eval() != null) {
            a.add("--eval", d.eval()).add("--limit", d.evalLimit()).add("--seed", d.evalSeed());
        }
        for (String f : FLAGS) {
            String v = settings.get(f);
            if (v != null && !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new UserException("sweep: prune " + f + " must be true or false, not '" + v + "'");
            }
            a.flag("--" + f.replace('_', '-'), "true".equalsIgnoreCase(v));
        }
        String allocate = settings.get("allocate");
        if (allocate != null && !allocate.equalsIgnoreCase("false")) {
            if (!allocate.equalsIgnoreCase("true") && !allocate.equalsIgnoreCase("layer") && !allocate.equalsIgnoreCase("network")) {
                throw new UserException("sweep: prune allocate must be true, false, layer or network, not '" + allocate + "'");
            }
            a.add("--allocate", allocate.equalsIgnoreCase("true") ? "layer" : allocate.toLowerCase(java.util.Locale.ROOT));
        }
        List<String> handled = new java.util.ArrayList<>(FLAGS);
        handled.add("allocate");
        return a.settings(settings, handled.toArray(String[]::new)).build();
    }

    @Override
    public Path output(StepContext ctx) {
        return ctx.file(name(), ".onnx");
    }

    @Override
    public String method(Map<String, String> s) {
        return "prune " + s.getOrDefault("method", "block");
    }

    @Override
    public String label(Map<String, String> s) {
        StringBuilder b = new StringBuilder("prune " + s.getOrDefault("method", "block"));
        s.forEach((k, v) -> {
            if (!k.equals("method")) {
                b.append(' ').append(k).append('=').append(v);
            }
        });
        return b.toString();
    }
}
