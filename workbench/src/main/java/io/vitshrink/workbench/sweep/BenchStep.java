package io.vitshrink.workbench.sweep;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench}: runs {@code vitshrink bench} on the current model, timed alternately with the original
 * in the same run when the model was changed (so {@code latency_ratio_bB} is a ratio measured in one run),
 * or against itself for the original (ratio ≈ 1, the noise floor). Settings: {@code batch} (e.g. {@code 1}
 * or {@code "1,8"}), {@code runs}, {@code warmup}.
 */
final class BenchStep implements StepKind {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Set<String> settings() {
        return Set.of("batch", "runs", "warmup");
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        return new CommandArgs("bench").path("--model", ctx.input()).path("--reference", ctx.original())
                .add("--image-size", ctx.data().imageSize()).add("--batch", settings.getOrDefault("batch", "1"))
                .add("--runs", settings.getOrDefault("runs", "20")).add("--warmup", settings.getOrDefault("warmup", "3"))
                .path("--json", json(ctx)).add("--threads", ctx.threads()).flag("--quiet", true).build();
    }

    @Override
    public String method(Map<String, String> settings) {
        return null;
    }

    @Override
    public String label(Map<String, String> settings) {
        return "bench";
    }
}
