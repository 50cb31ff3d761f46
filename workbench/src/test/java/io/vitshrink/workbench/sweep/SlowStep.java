package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.workbench.cli.VitshrinkCli;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in sweep step for the kill test: sleeps a moment (so a kill lands inside a point) and writes a
 * result with {@code top1 = n / 10}. {@link #main} is the child JVM: registers the kind, runs the CLI.
 */
public final class SlowStep implements StepKind {

    static void register() {
        StepKinds.register(new SlowStep());
    }

    public static void main(String[] args) {
        register();
        VitshrinkCli.main(args);
    }

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public Set<String> settings() {
        return Set.of("n");
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        return List.of();
    }

    @Override
    public int run(StepContext ctx, Map<String, String> settings, PrintWriter err) {
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        AtomicFiles.writeString(json(ctx), "{\"top1\": " + Integer.parseInt(settings.get("n")) / 10.0 + "}");
        return 0;
    }

    @Override
    public String method(Map<String, String> settings) {
        return "slow";
    }

    @Override
    public String label(Map<String, String> settings) {
        return "slow " + settings.get("n");
    }
}
