package io.vitshrink.workbench.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of {@code ModelIO.save} (through {@code AtomicFiles}): a separate JVM
 * ({@link AtomicWriter}) saves two versions of a model with a 128 MB initializer over the same file in
 * turn and is killed with SIGKILL ({@link Process#destroyForcibly()}) at a random moment inside a save.
 * After every kill the file is the complete old version or the complete new one — it loads with
 * {@link ModelIO}, has the size of a whole save and the expected contents — never a truncated mix.
 *
 * <p>What a killed writer leaves behind: its temporary file, named {@code .<target>.<random>.tmp} (hidden,
 * beside the target; {@code .<target>.<pid>.<random>.tmp} once AtomicFiles names the writing process so
 * that a later write can remove the files of dead writers).
 */
class AtomicWriteKillTest {
    private static final int MEGABYTES = 128;
    private static final int KILLS = 4;

    @TempDir
    Path dir;

    @Test
    void aWriterKilledMidSaveLeavesTheOldOrTheNewFileNeverAPartialOne() throws Exception {
        Path target = dir.resolve("model.onnx");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int midWrite = 0;
        List<String> log = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx1g", "-Xss1m",
                    "-cp", System.getProperty("java.class.path"), AtomicWriter.class.getName(), target.toString(),
                    Integer.toString(MEGABYTES)).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                // let two saves complete (the target exists, the JIT is warm), timing the second
                String before = null;
                String line = next(lines, p);
                long startedAt = 0;
                long saveNanos = 0;
                int completed = 0;
                while (completed < 2) {
                    if (line.startsWith("writing ")) {
                        startedAt = System.nanoTime();
                    } else if (line.startsWith("wrote ")) {
                        saveNanos = System.nanoTime() - startedAt;
                        before = line.split(" ")[1];
                        completed++;
                    } else {
                        throw new AssertionError("unexpected output of the writer: " + line);
                    }
                    line = next(lines, p);
                }
                assertThat(line).startsWith("writing ");
                String after = line.split(" ")[1];
                long delayMicros = (long) (random.nextDouble() * 0.8 * saveNanos / 1000);
                TimeUnit.MICROSECONDS.sleep(delayMicros);
                p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                p.waitFor(30, TimeUnit.SECONDS);
                reader.join(5_000);
                // what the writer said before it died: the last complete save, and the save in progress if any
                String complete = before;
                String inProgress = after;
                for (String l : lines) {
                    if (l.startsWith("wrote ")) {
                        complete = l.split(" ")[1];
                        inProgress = null;
                    } else if (l.startsWith("writing ")) {
                        inProgress = l.split(" ")[1];
                    }
                }
                midWrite += inProgress != null ? 1 : 0;

                Model m = ModelIO.load(target); // throws on a truncated or corrupt file
                String version = m.metadata().get(AtomicWriter.VERSION_KEY);
                log.add(String.format("kill %d after %d µs (a save takes ~%d ms): last complete save %s, in progress %s → file"
                        + " holds %s", kill, delayMicros, saveNanos / 1_000_000, complete, inProgress, version));
                assertThat(version).as(log.toString()).isIn(complete, inProgress);
                checkContents(m, version.equals("A") ? 0 : 1);
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.println(String.join("\n", log));
        assertThat(midWrite).as("kills that landed inside a save (seed " + seed + "): " + log).isPositive();

        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertThat(names).contains("model.onnx");
            assertThat(names.stream().filter(n -> !n.equals("model.onnx")))
                    .as("all a killed writer leaves is its hidden temporary file")
                    .allMatch(n -> n.matches("\\.model\\.onnx\\.([0-9]+\\.)?[0-9]+\\.tmp"));
        }
    }

    private static String next(BlockingQueue<String> lines, Process p) throws InterruptedException {
        String l = lines.poll(60, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("the writer printed nothing for 60 s (alive: " + p.isAlive() + ")");
        }
        return l;
    }

    /** The large initializer is complete and holds the version's fill value everywhere. */
    private static void checkContents(Model m, int version) {
        Tensor big = m.graph().initializer(AtomicWriter.BIG).orElseThrow();
        assertThat(big.dims()).containsExactly((long) MEGABYTES * (1 << 20) / 4);
        FloatBuffer values = big.rawBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float expected = AtomicWriter.fill(version);
        int wrong = 0;
        while (values.hasRemaining()) {
            wrong += values.get() == expected ? 0 : 1;
        }
        assertThat(wrong).as("elements of the large initializer that differ from version " + version).isZero();
        Model reference = AtomicWriter.version(version, 0);
        assertThat(m.graph().nodes()).hasSameSizeAs(reference.graph().nodes());
        assertThat(m.graph().initializers().keySet()).containsAll(reference.graph().initializers().keySet());
    }
}
