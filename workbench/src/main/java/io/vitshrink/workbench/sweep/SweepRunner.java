package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import io.vitshrink.workbench.store.RunFolders;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the points of a sweep (one shard of them) that the store has no successful run of — a point
 * recorded {@code ok} is skipped, a {@code failed} one is retried — {@code jobs} at a time, each recorded
 * as soon as it ends. While it runs, what the commands print goes to {@code <db>.runs/sweep.log}; the
 * progress stays on stderr.
 */
public final class SweepRunner {

    /**
     * What a sweep did.
     *
     * @param selected points in this shard
     * @param skipped points already recorded ok before this run
     * @param runs the runs of this shard's points, as recorded now (skipped ones included), in point order
     */
    public record Outcome(int selected, int skipped, List<RunRecord> runs) {
        public long failed() {
            return runs.stream().filter(r -> !r.ok()).count();
        }
    }

    private final RunStore store;
    private final String version;

    public SweepRunner(RunStore store, String version) {
        this.store = store;
        this.version = version;
    }

    public Outcome run(SweepFile sweep, Shard shard, int jobs, int threads, boolean quiet) {
        if (jobs < 1 || jobs > 64) {
            throw new UserException("--jobs must be between 1 and 64, not " + jobs);
        }
        RunFolders.removeLeftovers(store);
        List<SweepPoint> selected = shard.select(sweep.points());
        List<SweepPoint> todo = selected.stream()
                .filter(p -> store.get(p.key()).map(r -> !r.ok()).orElse(true)).toList();
        int perJobThreads = threads > 0 ? threads : jobs == 1 ? 0 : Math.max(1, Runtime.getRuntime().availableProcessors() / jobs);
        PrintStream err = System.err;
        PrintStream out = System.out;
        if (!quiet) {
            err.printf("sweep %s: %d points%s, %d already recorded, %d to run%s%n", sweep.name(), selected.size(),
                    shard.count() > 1 ? " in shard " + shard + " (of " + sweep.points().size() + ")" : "",
                    selected.size() - todo.size(), todo.size(), jobs > 1 ? ", " + jobs + " at a time" : "");
        }
        PointRunner runner = new PointRunner(store, sweep.name(), version);
        try (PrintStream log = openLog(); SweepProgress progress = new SweepProgress(err, todo.size(), quiet)) {
            System.setOut(log);
            System.setErr(log);
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (SweepPoint p : todo) {
                    futures.add(pool.submit(() -> {
                        log.println("== point " + p.key().substring(0, 12) + " " + p.label() + " (" + p.model().getFileName() + ")");
                        RunRecord r = runner.run(p, perJobThreads);
                        log.println("== " + (r.ok() ? "ok" : "failed: " + r.error()));
                        progress.finished(p, r.ok());
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserException("sweep interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        List<RunRecord> runs = selected.stream().map(p -> store.get(p.key()).orElseThrow()).toList();
        return new Outcome(selected.size(), selected.size() - todo.size(), runs);
    }

    private PrintStream openLog() {
        Path log = store.runsFolder().resolve("sweep.log");
        try {
            Files.createDirectories(log.getParent());
            return new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("cannot write the sweep log " + log + ": " + e.getMessage(), e);
        }
    }
}
