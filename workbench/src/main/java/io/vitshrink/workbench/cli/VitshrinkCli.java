package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vitshrink} command. */
@Command(name = "vitshrink", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Post-training quantization and pruning workbench for Vision Transformers in ONNX.",
        subcommands = {InspectCommand.class, EvalCommand.class, QuantizeCommand.class, SearchCommand.class,
            PruneCommand.class, TokensCommand.class, BenchCommand.class, DemoCommand.class, SweepCommand.class,
            MergeCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class})
public final class VitshrinkCli {
    /** Exit code of a user error (bad path, bad model, bad option value). */
    public static final int USER_ERROR = 2;
    /** Exit code of an internal error (a bug: please report it). */
    public static final int INTERNAL_ERROR = 70;

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            System.err.println("vitshrink: out of memory; give Java more heap (JAVA_OPTS=-Xmx8g bin/vitshrink …) "
                    + "or use a smaller --batch-size");
            code = USER_ERROR;
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (used by tests as well). */
    public static int run(String... args) {
        return run(null, args);
    }

    /**
     * Runs the command line with picocli's error output (usage errors, {@code vitshrink: …} lines,
     * internal-error traces) sent to {@code err} instead of stderr: a sweep runs commands in-process
     * and records that line as the error of a failed point. Null keeps stderr.
     */
    public static int run(PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new VitshrinkCli());
        if (err != null) {
            cli.setErr(err);
        }
        cli.setExecutionExceptionHandler(VitshrinkCli::handle);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("vitshrink: " + ex.getMessage());
            w.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            w.flush();
            return USER_ERROR;
        });
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        UserException user = userCause(e);
        if (user != null) {
            err.println("vitshrink: " + user.getMessage());
            err.flush();
            return USER_ERROR;
        }
        err.println("vitshrink: internal error (a bug in vitshrink; please report it with the trace below)");
        e.printStackTrace(err);
        err.flush();
        return INTERNAL_ERROR;
    }

    private static UserException userCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserException u) {
                return u;
            }
        }
        return null;
    }
}
