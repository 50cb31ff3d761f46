package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.workbench.cli.VitshrinkCli;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of a sweep: a separate JVM runs the sweep and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at a random moment after its first point was recorded. The points are
 * {@link SlowStep}s (a step kind that takes a moment and writes a result, no model run), so the test is
 * about the sweep and the store: the real quantize/eval steps are killed the same way on DeiT-Tiny in the
 * issue notes. (Here a JVM forked from the Surefire test JVM dies with SIGSEGV as soon as it creates an
 * ONNX Runtime environment — the same command from a shell or a plain Java parent works — so the child
 * avoids ONNX Runtime; cause not found yet.) The database
 * is intact and holds only complete runs (each with its metrics and run folder); rerunning the sweep runs
 * only the missing points, leaves the recorded ones untouched, and ends with exactly one row per point.
 */
class SweepKillTest {
    private static final String POINTS = """
              - slow: {n: [1, 2, 3, 4, 5, 6]}
            """;
    private static final int TOTAL = 6;

    @TempDir
    Path dir;

    @Test
    void aSweepKilledMidwayLeavesOnlyCompleteRunsAndARerunFinishesWithoutDuplicates() throws Exception {
        Path sweep = TinySweep.write(dir, POINTS);
        Path db = dir.resolve("results.db");
        long seed = System.nanoTime();
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SlowStep.class.getName(), "sweep", sweep.toString(),
                "--db", db.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int before;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (okRows(db) < 1) {
                if (!p.isAlive()) {
                    throw new AssertionError("the sweep ended (exit " + p.exitValue() + ") before its first point was recorded: "
                            + Files.readString(dir.resolve("child.log")) + " rows: " + okRows(db));
                }
                assertThat(System.nanoTime()).as("no point recorded within 120 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(new Random(seed).nextInt(700)); // somewhere inside the next point
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
                ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("ok");
        }
        List<RunRecord> killed = rows(db);
        before = killed.size();
        assertThat(before).as("kill landed midway (seed " + seed + ")").isBetween(1, TOTAL - 1);
        for (RunRecord r : killed) {
            assertThat(r.ok()).isTrue();
            assertThat(r.metrics()).containsKey("top1");
            assertThat(db.resolveSibling(r.runDir()).resolve("result.json")).isRegularFile();
        }

        SlowStep.register();
        SweepCliTest.Run rerun = SweepCliTest.cli("sweep", sweep.toString(), "--db", db.toString());
        assertThat(rerun.code()).as(rerun.err()).isZero();
        assertThat(rerun.err()).contains(before + " already recorded, " + (TOTAL - before) + " to run");
        List<RunRecord> done = rows(db);
        assertThat(done).hasSize(TOTAL);
        assertThat(done.stream().map(RunRecord::key).distinct()).hasSize(TOTAL);
        assertThat(done).allMatch(RunRecord::ok).allMatch(r -> r.attempts() == 1);
        Map<String, RunRecord> byKey = done.stream().collect(Collectors.toMap(RunRecord::key, r -> r));
        killed.forEach(r -> assertThat(byKey.get(r.key())).as("recorded before the kill: untouched").isEqualTo(r));
        try (Stream<Path> left = Files.list(db.resolveSibling("results.db.runs"))) {
            assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".")))
                    .as("the killed run's staging folder is gone").isEmpty();
        }
    }

    private static int okRows(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
                ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM runs WHERE status = 'ok'")) {
            return r.next() ? r.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // the table does not exist yet, or the writer holds a lock
        }
    }

    private static List<RunRecord> rows(Path db) {
        try (RunStore s = RunStore.open(db)) {
            return s.all();
        }
    }
}
