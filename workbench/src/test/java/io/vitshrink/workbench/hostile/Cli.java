package io.vitshrink.workbench.hostile;

import io.vitshrink.workbench.cli.VitshrinkCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process, as a user would call it, and captures what it prints. */
record Cli(String[] args, int exitCode, String out, String err) {

    static synchronized Cli run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = VitshrinkCli.run(args);
            return new Cli(args, code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The lines vitshrink itself printed on stderr (not the loader's logged warnings). */
    List<String> errorLines() {
        return err.lines().filter(l -> !l.startsWith("[WARN]") && !l.startsWith("WARN ") && !l.startsWith("note: ")).toList();
    }

    @Override
    public String toString() {
        return "vitshrink " + String.join(" ", Arrays.asList(args)) + " → " + exitCode + "\n" + err;
    }
}
