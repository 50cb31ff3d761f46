package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.workbench.cli.VitshrinkCli;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep}, {@code merge} and {@code report} on the tiny model: a rerun skips what is recorded and
 * retries what failed, two shards merged equal one unsharded run, and the report folder is complete.
 */
class SweepCliTest {
    private static final String POINTS = """
              - eval
              - quantize: {bits: [W8A8, W4A4], format: simulated}
              - [quantize: {bits: W8A8}, bench: {runs: 2, warmup: 1}]
              - quantize: {bits: W8A8, observer: no_such_observer}
              - quantize: {bits: W8A8, scheme: skip-block0.yaml}
            """;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = VitshrinkCli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static List<RunRecord> rows(Path db) {
        try (RunStore s = RunStore.open(db)) {
            return s.all();
        }
    }

    @Test
    void aRerunSkipsRecordedPointsRetriesFailedOnesAndShardsMergeToTheSameRows() throws Exception {
        Path sweep = TinySweep.write(dir, POINTS);
        Files.writeString(dir.resolve("skip-block0.yaml"), "base: vit-all\nexclude:\n  blocks: [0]\n");
        Path db = dir.resolve("all.db");
        Run first = cli("sweep", sweep.toString(), "--db", db.toString());
        assertThat(first.code()).as(first.err()).isEqualTo(1); // one point fails
        assertThat(first.err()).contains("sweep: 6/6 points (1 failed)").contains("ETA");
        assertThat(first.out()).contains("W4A4 uniform format=simulated").contains("unknown observer 'no_such_observer'")
                .contains("6 points: 5 ok, 1 failed, 0 were already recorded");
        List<RunRecord> rows = rows(db);
        assertThat(rows).hasSize(6);
        RunRecord failed = rows.stream().filter(r -> !r.ok()).findFirst().orElseThrow();
        assertThat(failed.error()).startsWith("quantize: unknown observer 'no_such_observer'");
        RunRecord w8 = rows.stream().filter(r -> r.label().equals("W8A8 uniform format=simulated")).findFirst().orElseThrow();
        assertThat(w8.metrics()).containsKeys("top1", "agreement_top1", "bops", "macs", "weight_bytes", "calib_images");
        assertThat(w8.modelSha256()).hasSize(64);
        assertThat(w8.versions()).containsKeys("vitshrink", "onnxruntime", "java");
        assertThat(db.resolveSibling(w8.runDir()).resolve("0-quantize.onnx")).isRegularFile();
        RunRecord chained = rows.stream().filter(r -> r.command().equals("quantize+bench")).findFirst().orElseThrow();
        assertThat(chained.metrics()).containsKeys("latency_ratio_b1", "top1");
        RunRecord baseline = rows.stream().filter(r -> r.method().equals("float")).findFirst().orElseThrow();
        assertThat(baseline.metrics()).containsKeys("top1", "macs", "bops", "size_bytes");

        Run again = cli("sweep", sweep.toString(), "--db", db.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("5 already recorded, 1 to run");
        List<RunRecord> after = rows(db);
        assertThat(after).hasSize(6);
        assertThat(after.stream().filter(r -> !r.ok()).findFirst().orElseThrow().attempts()).isEqualTo(2);
        assertThat(after.stream().filter(RunRecord::ok).toList()).isEqualTo(rows.stream().filter(RunRecord::ok).toList());

        // the same sweep in two shards, merged, gives the same points with the same accuracy
        Path s0 = dir.resolve("s0.db");
        Path s1 = dir.resolve("s1.db");
        assertThat(cli("sweep", sweep.toString(), "--db", s0.toString(), "--shard", "0/2", "-q", "--jobs", "2").code()).isIn(0, 1);
        assertThat(cli("sweep", sweep.toString(), "--db", s1.toString(), "--shard", "1/2", "-q").code()).isIn(0, 1);
        assertThat(rows(s0)).isNotEmpty();
        assertThat(rows(s1)).isNotEmpty();
        Path merged = dir.resolve("merged.db");
        Run m = cli("merge", s0.toString(), s1.toString(), "--into", merged.toString());
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(m.out()).contains("6 added");
        Run m2 = cli("merge", s0.toString(), s1.toString(), "--into", merged.toString());
        assertThat(m2.out()).contains("0 added, 0 replaced, 6 already there");
        assertThat(accuracy(rows(merged))).isEqualTo(accuracy(after));

        Path report = dir.resolve("report");
        Run r = cli("report", "--db", merged.toString(), "--out", report.toString(), "--reference-model", "DeiT-T");
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("<svg class=\"chart\"").contains("Top-1 vs BOPs").contains("Failed points")
                .contains("RepQ-ViT").contains("Bit allocation: W8A8 uniform scheme=").doesNotContain("src=\"http").doesNotContain("href=\"http");
        assertThat(Files.readAllLines(report.resolve("runs.csv"))).hasSize(7);
        assertThat(report.resolve("summary.md")).content().contains("| model |");
        assertThat(report.resolve("charts").resolve("top1-vs-bops.svg")).content().startsWith("<?xml");
        Run filtered = cli("report", "--db", merged.toString(), "--out", dir.resolve("r2").toString(), "--filter", "w_bits=4");
        assertThat(filtered.out()).contains("report: 1 runs");
        Run none = cli("report", "--db", merged.toString(), "--out", dir.resolve("r3").toString(), "--filter", "w_bits=3");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no runs match");
    }

    /** Key → (status, top-1, agreement): what must not depend on how the points were scheduled. */
    private static Map<String, String> accuracy(List<RunRecord> rows) {
        return rows.stream().collect(Collectors.toMap(RunRecord::key,
                r -> r.status() + " " + r.metrics().get("top1") + " " + r.metrics().get("agreement_top1")));
    }

    @Test
    void tokenReductionChainsIntoQuantizeAndIsRecordedWithItsMetrics() throws Exception {
        Path sweep = TinySweep.write(dir, """
                  - eval
                  - tokens: {method: tome, r: 2}
                  - [tokens: {method: evit, keep: 0.7, at: "0"}, quantize: {bits: W4A4}]
                  - [prune: {method: block, block: 1x1, sparsity: 0.5, reconstruct: true}, quantize: {bits: W8A8}]
                """);
        Path db = dir.resolve("tokens.db");
        Run run = cli("sweep", sweep.toString(), "--db", db.toString());
        assertThat(run.code()).as(run.err() + run.out()).isZero();
        List<RunRecord> rows = rows(db);
        assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.ok()).as(r.label() + ": " + r.error()).isTrue());
        RunRecord pruned = rows.stream().filter(r -> r.label().contains("prune")).findFirst().orElseThrow();
        assertThat(pruned.method()).isEqualTo("prune block → PTQ uniform"); // a chain is its own series
        assertThat(((Number) pruned.metrics().get("sparsity")).doubleValue()).isBetween(0.45, 0.55);
        assertThat(pruned.metrics()).containsKeys("effective_macs", "nonzero_params", "w_bits");
        RunRecord tome = rows.stream().filter(r -> r.label().contains("tome")).findFirst().orElseThrow();
        assertThat(tome.method()).isEqualTo("tokens tome");
        assertThat(((Number) tome.metrics().get("macs_ratio")).doubleValue()).isLessThan(1.0).isGreaterThan(0.3);
        assertThat(tome.metrics()).containsKeys("top1", "agreement_top1", "tokens_per_block");
        // the chain quantized the reduced model: its quantize keys are there, and the token plan it read
        RunRecord chain = rows.stream().filter(r -> r.label().contains("evit")).findFirst().orElseThrow();
        assertThat(chain.metrics()).containsKeys("w_bits", "token_plan", "macs_ratio");
        // the chain ends quantized and is judged against the original: quantize's keys win over the tokens step's
        RunRecord original = rows.stream().filter(r -> r.label().equals("float")).findFirst().orElseThrow();
        assertThat(chain.metrics().get("reference_top1")).isEqualTo(original.metrics().get("top1"));
        assertThat(chain.metrics().get("w_bits")).isEqualTo(4);
        assertThat(chain.metrics().get("model")).isEqualTo("tiny.onnx");
        java.util.Map<String, Object> quantizeJson = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                db.resolveSibling(chain.runDir()).resolve("1-quantize.json").toFile(), java.util.Map.class);
        assertThat(chain.metrics().get("top1")).isEqualTo(quantizeJson.get("top1"));
        Run again = cli("sweep", sweep.toString(), "--db", db.toString());
        assertThat(again.out()).contains("4 were already recorded");
        assertThat(rows(db)).hasSize(4);
    }

    @Test
    void userErrorsOfTheSweepCommandsAreOneLine() throws Exception {
        Path sweep = TinySweep.write(dir, "  - eval\n");
        Run badShard = cli("sweep", sweep.toString(), "--db", dir.resolve("x.db").toString(), "--shard", "2/2");
        assertThat(badShard.code()).isEqualTo(2);
        assertThat(badShard.err()).startsWith("vitshrink: --shard '2/2'");
        Run missing = cli("sweep", dir.resolve("nope.yaml").toString(), "--db", dir.resolve("x.db").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml").doesNotContain("Exception");
        Run noDb = cli("report", "--db", dir.resolve("none.db").toString(), "--out", dir.resolve("r").toString());
        assertThat(noDb.code()).isEqualTo(2);
        assertThat(noDb.err()).contains("none.db");
        Run dry = cli("sweep", sweep.toString(), "--db", dir.resolve("x.db").toString(), "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("float").contains("eval");
    }
}
