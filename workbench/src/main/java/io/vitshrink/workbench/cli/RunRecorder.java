package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.AtomicFiles;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.quantize.FileHash;
import io.vitshrink.workbench.store.PointKey;
import io.vitshrink.workbench.store.Provenance;
import io.vitshrink.workbench.store.RunFolders;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStatus;
import io.vitshrink.workbench.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --db FILE}: records a measuring command's run in the results store. A command adds
 * {@code @Mixin RunRecorder db;} and calls {@link #record} with its input model and its {@code --json}
 * result at the end; the settings recorded (and keyed) are the command's own options as given, minus
 * where outputs go. Recording the same command on the same model content again replaces its row.
 */
public final class RunRecorder {
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();

    @Option(names = "--db", paramLabel = "FILE", description = "also record this run in a results database (SQLite)")
    Path db;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * The report series, named as the sweep steps name theirs: {@code PTQ <quantizer>} for a quantized
     * model, {@code mixed <allocator>} for a search, {@code prune <method>}, {@code tokens <method>}, else
     * {@code float}.
     */
    private String method(JsonResult result) {
        switch (spec.name()) {
            case "search":
                return "mixed " + result.get("chosen_allocator");
            case "prune":
            case "tokens":
                return spec.name() + " " + result.get("method");
            case "quantize":
                break;
            default:
                return "float";
        }
        Object softmax = result.get("softmax_quantizer");
        Object gelu = result.get("gelu_quantizer");
        return "PTQ " + (softmax == null ? "uniform" : java.util.Objects.equals(softmax, gelu) ? softmax : softmax + "/" + gelu);
    }

    /** Records the run (does nothing without {@code --db}). */
    public void record(Path model, JsonResult result) {
        record(model, result, Map.of());
    }

    /**
     * Records the run with some of its output files copied into the run folder (what the report reads
     * besides the metrics: a sensitivity table, a plan). Files that do not exist are skipped.
     *
     * @param files name in the run folder → file written by the command
     */
    public void record(Path model, JsonResult result, Map<String, Path> files) {
        if (db == null) {
            return;
        }
        Map<String, Object> settings = new TreeMap<>();
        settings.put("command", spec.name());
        for (OptionSpec o : spec.options()) {
            String name = o.longestName();
            if (o.usageHelp() || o.versionHelp() || name.equals("--db") || name.equals("--json") || name.equals("--out")
                    || name.equals("--plan") || name.equals("--quiet") || name.equals("--model") || o.getValue() == null) {
                continue;
            }
            Object v = o.getValue();
            settings.put(name.replaceFirst("^--", "").replace('-', '_'), v instanceof Path p ? p.toString() : v.toString());
        }
        String sha = FileHash.sha256(model);
        String canonical = PointKey.canonicalJson(settings);
        String key = PointKey.of(sha, canonical);
        try (RunStore store = RunStore.open(db)) {
            Path staging = RunFolders.stage(store, key);
            AtomicFiles.writeString(staging.resolve("result.json"), result.toJson());
            for (Map.Entry<String, Path> f : files.entrySet()) {
                if (f.getValue() != null && Files.isRegularFile(f.getValue())) {
                    copy(f.getValue(), staging.resolve(f.getKey()));
                }
            }
            String runDir = RunFolders.publish(store, key, staging);
            int attempts = store.get(key).map(RunRecord::attempts).orElse(0) + 1;
            String label = spec.name() + " " + model.getFileName();
            store.put(new RunRecord(key, spec.name(), method(result), label, RunStatus.OK,
                    null, attempts, model.toString(), sha, canonical, result.values(), started,
                    (System.nanoTime() - startNanos) / 1e9, Provenance.versions(VersionProvider.version()),
                    Provenance.machine(), runDir, null));
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserException("cannot copy " + from + " into the run folder: " + e.getMessage(), e);
        }
    }
}
