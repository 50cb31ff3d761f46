package io.vitshrink.workbench.cli;

import io.vitshrink.workbench.output.Table;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStore;
import io.vitshrink.workbench.sweep.Shard;
import io.vitshrink.workbench.sweep.SweepFile;
import io.vitshrink.workbench.sweep.SweepRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vitshrink sweep FILE --db results.db}: runs a sweep file's points that are not recorded yet. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run the points of a sweep file (models × step grids) that the results database has no successful "
                + "run of; safe to rerun after a crash or kill -9. Exit 0 when every point of the shard is ok, 1 when "
                + "some failed (they are recorded with their error and retried next time).")
public final class SweepCommand implements Callable<Integer> {
    /** Exit code when at least one point failed. */
    public static final int POINTS_FAILED = 1;

    @Parameters(index = "0", paramLabel = "FILE", description = "sweep file (YAML or JSON)")
    Path file;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "results database (SQLite; created if missing)")
    Path db;

    @Option(names = "--shard", defaultValue = "0/1", paramLabel = "i/n",
            description = "run only shard i of n (0 ≤ i < n; deterministic: same points on every machine) (default: ${DEFAULT-VALUE})")
    String shard;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "N", description = "points run at once (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--threads", defaultValue = "0",
            description = "ONNX Runtime threads per point (default 0: automatic; with --jobs N, cores / N)")
    int threads;

    @Option(names = "--dry-run", description = "list the points and whether each is recorded; run nothing")
    boolean dryRun;

    @Option(names = {"-q", "--quiet"}, description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() {
        Shard s = Shard.parse(shard);
        if (threads < 0 || threads > OptionRanges.MAX_THREADS) {
            throw new io.vitshrink.onnx.UserException("--threads must be 0 (automatic) or a count up to "
                    + OptionRanges.MAX_THREADS + ", not " + threads);
        }
        new io.vitshrink.workbench.output.OutputPaths().input("the sweep file", file).output("--db", db);
        SweepFile sweep = SweepFile.read(file);
        try (RunStore store = RunStore.open(db)) {
            if (dryRun) {
                Table t = new Table("key", "model", "point", "steps", "recorded");
                for (var p : s.select(sweep.points())) {
                    t.row(p.key().substring(0, 12), p.model().getFileName(), p.label(), p.command(),
                            store.get(p.key()).map(r -> r.status().dbName()).orElse("-"));
                }
                System.out.print(t.render());
                return 0;
            }
            SweepRunner.Outcome o = new SweepRunner(store, VersionProvider.version()).run(sweep, s, jobs, threads, quiet);
            System.out.print(summary(o).render());
            System.out.printf("%d points%s: %d ok, %d failed, %d were already recorded; results in %s%n", o.selected(),
                    s.count() > 1 ? " (shard " + s + ")" : "", o.selected() - o.failed(), o.failed(), o.skipped(), db);
            return o.failed() == 0 ? 0 : POINTS_FAILED;
        }
    }

    static Table summary(SweepRunner.Outcome o) {
        Table t = new Table("model", "point", "status", "top-1", "drop", "agreement", "size", "seconds", "error");
        for (RunRecord r : o.runs()) {
            String model = Path.of(r.modelPath()).getFileName().toString();
            t.row(model, r.label(), r.status().dbName(), f(r.number("top1"), "%.4f"), f(100 * r.number("top1_drop"), "%.2f"),
                    f(r.number("agreement_top1"), "%.4f"), f(100 * r.number("size_ratio"), "%.1f%%"), f(r.seconds(), "%.0f"),
                    r.error() == null ? "" : r.error().length() > 60 ? r.error().substring(0, 60) + "…" : r.error());
        }
        return t;
    }

    private static String f(double v, String fmt) {
        return Double.isNaN(v) ? "" : String.format(fmt, v);
    }
}
