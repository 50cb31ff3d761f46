package io.vitshrink.workbench.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tokens}: runs {@code vitshrink tokens} (token reduction written into the graph), with the sweep's
 * {@code calib} for a {@code target_macs} search and its {@code eval} for top-1 against the float model.
 * Settings are the tokens options of the same name; {@code at} is one string ({@code "3,6,9"}), since a
 * list would be a grid axis.
 */
final class TokensStep implements StepKind {

    @Override
    public String name() {
        return "tokens";
    }

    @Override
    public Set<String> settings() {
        return Set.of("method", "keep", "at", "r", "k", "target_macs");
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        SweepData d = ctx.data();
        CommandArgs a = new CommandArgs("tokens").path("--model", ctx.input())
                .add("--image-size", d.imageSize()).path("--out", output(ctx)).path("--json", json(ctx))
                .add("--threads", ctx.threads()).flag("--quiet", true).data(d);
        if (d.calib() != null) {
            a.add("--calib", d.calib()).add("--calib-size", d.calibSize()).add("--calib-seed", d.calibSeed());
        }
        if (d.eval() != null) {
            a.add("--eval", d.eval()).add("--limit", d.evalLimit()).add("--seed", d.evalSeed());
        }
        return a.settings(settings).build();
    }

    @Override
    public Path output(StepContext ctx) {
        return ctx.file(name(), ".onnx");
    }

    @Override
    public String method(Map<String, String> s) {
        return "tokens " + s.getOrDefault("method", "evit");
    }

    @Override
    public String label(Map<String, String> s) {
        StringBuilder b = new StringBuilder(s.getOrDefault("method", "evit"));
        s.forEach((k, v) -> {
            if (!k.equals("method")) {
                b.append(' ').append(k).append('=').append(v);
            }
        });
        return b.toString();
    }
}
