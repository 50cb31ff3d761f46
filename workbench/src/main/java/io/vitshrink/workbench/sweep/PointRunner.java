package io.vitshrink.workbench.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.store.Provenance;
import io.vitshrink.workbench.store.RunFolders;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStatus;
import io.vitshrink.workbench.store.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one point: each step's command in-process, in a staging run folder, the next step on the model
 * the previous one wrote; then publishes the folder and records the run in one transaction. A step that
 * fails (non-zero exit, or an exception) ends the point as {@code failed} with the command's error line.
 */
final class PointRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunStore store;
    private final String sweepName;
    private final String version;

    PointRunner(RunStore store, String sweepName, String version) {
        this.store = store;
        this.sweepName = sweepName;
        this.version = version;
    }

    RunRecord run(SweepPoint point, int threads) {
        String key = point.key();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path staging = RunFolders.stage(store, key);
        JsonResult metrics = new JsonResult();
        String error = null;
        Path input = point.model();
        try {
            for (int i = 0; i < point.steps().size() && error == null; i++) {
                Step step = point.steps().get(i);
                StepContext ctx = new StepContext(point.model(), input, staging, i, point.data(), threads);
                StringWriter err = new StringWriter();
                int rc = step.kind().run(ctx, step.settings(), new PrintWriter(err, true));
                if (rc != 0) {
                    error = step.kind().name() + ": " + errorLine(err.toString(), rc);
                    break;
                }
                JsonResult r = read(step.kind().json(ctx));
                step.kind().addFacts(ctx, r);
                // a later step describes the model the point ends with, so its keys win (a quantize after
                // tokens reports the final top-1); only "model" stays the first step's: the sweep's input
                r.values().forEach((k, v) -> {
                    if (metrics.get(k) == null || !k.equals("model")) {
                        metrics.put(k, v);
                    }
                });
                Path out = step.kind().output(ctx);
                if (out != null) {
                    input = out;
                }
            }
        } catch (UserException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            error = "internal error: " + e;
        }
        AtomicFiles.writeString(staging.resolve("result.json"), metrics.toJson());
        AtomicFiles.writeString(staging.resolve("point.json"), point.settingsJson() + "\n");
        String runDir = RunFolders.publish(store, key, staging);
        int attempts = store.get(key).map(RunRecord::attempts).orElse(0) + 1;
        RunRecord record = new RunRecord(key, point.command(), point.method(), point.label(),
                error == null ? RunStatus.OK : RunStatus.FAILED, error, attempts, point.model().toString(),
                point.modelSha256(), point.settingsJson(), metrics.values(), started, (System.nanoTime() - t0) / 1e9,
                Provenance.versions(version), Provenance.machine(), runDir, sweepName);
        store.put(record);
        return record;
    }

    /** The command's {@code vitshrink: …} line (or the first line it printed), at most 400 characters. */
    static String errorLine(String err, int rc) {
        String line = err.lines().filter(l -> l.startsWith("vitshrink: ")).map(l -> l.substring("vitshrink: ".length()))
                .filter(l -> !l.startsWith("internal error")).findFirst()
                .orElse(err.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + rc));
        if (err.contains("internal error")) {
            line = "internal error: " + err.lines().filter(l -> !l.startsWith("vitshrink: ")).findFirst().orElse(line);
        }
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }

    private static JsonResult read(Path json) {
        try {
            Map<String, Object> m = JSON.readValue(Files.readString(json), new TypeReference<LinkedHashMap<String, Object>>() { });
            JsonResult r = new JsonResult();
            m.forEach(r::put);
            return r;
        } catch (IOException e) {
            throw new UserException("the step did not write its result " + json + ": " + e.getMessage(), e);
        }
    }
}
