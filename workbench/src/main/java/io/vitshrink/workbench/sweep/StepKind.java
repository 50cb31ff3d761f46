package io.vitshrink.workbench.sweep;

import io.vitshrink.workbench.output.JsonResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One kind of sweep step ({@code quantize}, {@code eval}, {@code bench}; later {@code prune},
 * {@code tokens}): which settings a sweep file may give it, and how a point's settings become the
 * arguments of the vitshrink command that runs it in-process. The command's {@code --json} keys become
 * the point's metrics, so a step kind is a thin adapter over an existing command. Register new kinds
 * in {@link StepKinds}.
 */
public interface StepKind {

    /** The name used in sweep files. */
    String name();

    /** Settings a sweep file may give (snake_case); anything else is refused naming the step. */
    Set<String> settings();

    /**
     * Expands shorthands into the settings they stand for ({@code bits: W4A4} → {@code w_bits: 4, a_bits: 4}),
     * so that equal runs get equal point keys however they were written.
     */
    default Map<String, String> canonical(Map<String, String> written) {
        return new java.util.TreeMap<>(written);
    }

    /** The vitshrink command line that runs this step; it must write {@link #json(StepContext)}. */
    List<String> arguments(StepContext ctx, Map<String, String> settings);

    /**
     * Runs the step: by default its command in-process ({@link #arguments}), with the command's error
     * output (its {@code vitshrink: …} line) going to {@code err}. Returns the exit code.
     */
    default int run(StepContext ctx, Map<String, String> settings, java.io.PrintWriter err) {
        return io.vitshrink.workbench.cli.VitshrinkCli.run(err, arguments(ctx, settings).toArray(String[]::new));
    }

    /** The flat JSON result file the command writes. */
    default Path json(StepContext ctx) {
        return ctx.file(name(), ".json");
    }

    /** The model this step writes, fed to the next step of the chain; null when it writes none. */
    default Path output(StepContext ctx) {
        return null;
    }

    /** Extra metrics the command does not write (e.g. the cost of a model that was only evaluated). */
    default void addFacts(StepContext ctx, JsonResult result) {
    }

    /** The series this step puts a point in for reports ({@code PTQ adalog}); null: it does not change the model. */
    String method(Map<String, String> settings);

    /** A short name of the step's settings for tables ({@code W4A4 adalog}). */
    String label(Map<String, String> settings);
}
