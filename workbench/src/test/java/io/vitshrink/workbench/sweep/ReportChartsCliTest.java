package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.workbench.store.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --db} on search, prune and tokens (their runs and files in the store) and the report charts
 * fed from them: per-layer sensitivity bars from a search's table, activation histograms with the
 * quantizers' levels.
 */
class ReportChartsCliTest {
    @TempDir
    Path dir;

    private String[] data() {
        return concat(reportData(), "--quiet");
    }

    /** report has no progress bars, so no --quiet */
    private String[] reportData() {
        return new String[] {"--calib", dir.resolve("calib").toString(), "--preset", dir.resolve("recipe.yaml").toString(),
            "--image-size", "32", "--no-cache"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void searchPruneAndTokensRecordTheirRunsAndTheReportDrawsSensitivityAndHistograms() throws Exception {
        TinySweep.write(dir, "  - eval\n");
        Path db = dir.resolve("runs.db");
        String model = dir.resolve("tiny.onnx").toString();
        SweepCliTest.Run search = SweepCliTest.cli(concat(concat(new String[] {"search", "--model", model}, data()),
                "--budget", "avg_bits=5", "--bits", "4,8", "--holdout", "4", "--calib-size", "8",
                "--out", dir.resolve("search").toString(), "--db", db.toString()));
        assertThat(search.code()).as(search.err()).isZero();
        SweepCliTest.Run prune = SweepCliTest.cli(concat(concat(new String[] {"prune", "--model", model}, data()),
                "--method", "block", "--sparsity", "0.5", "--out", dir.resolve("p.onnx").toString(), "--db", db.toString()));
        assertThat(prune.code()).as(prune.err()).isZero();
        SweepCliTest.Run tokens = SweepCliTest.cli(concat(concat(new String[] {"tokens", "--model", model}, data()),
                "--method", "tome", "--r", "2", "--out", dir.resolve("t.onnx").toString(), "--db", db.toString()));
        assertThat(tokens.code()).as(tokens.err()).isZero();

        Map<String, RunRecord> rows = SweepCliTest.rows(db).stream()
                .collect(Collectors.toMap(RunRecord::command, Function.identity()));
        assertThat(rows).containsOnlyKeys("search", "prune", "tokens");
        assertThat(rows.get("search").method()).startsWith("mixed ");
        assertThat(rows.get("search").metrics()).containsKeys("avg_w_bits", "bops", "sensitivity_seconds");
        assertThat(rows.get("prune").method()).isEqualTo("prune block");
        assertThat(rows.get("tokens").method()).isEqualTo("tokens tome");
        Path searchRun = db.resolveSibling(rows.get("search").runDir());
        assertThat(searchRun.resolve("sensitivity.json")).isRegularFile();
        assertThat(searchRun.resolve("search.quant.plan.json")).isRegularFile();
        assertThat(db.resolveSibling(rows.get("prune").runDir()).resolve("prune.plan.json")).isRegularFile();
        assertThat(db.resolveSibling(rows.get("tokens").runDir()).resolve("tokens.json")).isRegularFile();

        Path report = dir.resolve("report");
        SweepCliTest.Run r = SweepCliTest.cli(concat(new String[] {"report", "--db", db.toString(), "--out", report.toString(),
            "--activations", model, "--calib-size", "4"}, reportData()));
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("Per-layer sensitivity: search tiny.onnx").contains("4 bits").contains("8 bits");
        List<String> histograms = html.lines().filter(l -> l.contains("Activation histogram, 4-bit levels")).toList();
        // the middle block (1 of 0…1) by default: its post-Softmax and its post-GELU tensor
        assertThat(html).contains("blocks.1/attn/Softmax").contains("blocks.1/mlp/");
        assertThat(histograms).isNotEmpty();
        assertThat(html).contains("uniform levels (error").contains("log2 levels (error").contains("AdaLog levels (error");
    }

    @Test
    void activationOptionsAreCheckedWithOneLine() throws Exception {
        TinySweep.write(dir, "  - eval\n");
        Path db = dir.resolve("runs.db");
        SweepCliTest.Run eval = SweepCliTest.cli("eval", "--model", dir.resolve("tiny.onnx").toString(), "--data",
                dir.resolve("eval").toString(), "--preset", dir.resolve("recipe.yaml").toString(), "--no-cache", "--quiet",
                "--db", db.toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        String model = dir.resolve("tiny.onnx").toString();
        String out = dir.resolve("r").toString();

        SweepCliTest.Run noCalib = SweepCliTest.cli("report", "--db", db.toString(), "--out", out, "--activations", model);
        assertThat(noCalib.code()).isEqualTo(2);
        assertThat(noCalib.err().strip()).isEqualTo("vitshrink: --activations needs --calib DIR: the images the tensors are "
                + "sampled on");

        SweepCliTest.Run badTensor = SweepCliTest.cli(concat(new String[] {"report", "--db", db.toString(), "--out", out,
            "--activations", model, "--tensor", "/blocks.0/Add_output_0"}, reportData()));
        assertThat(badTensor.code()).isEqualTo(2);
        assertThat(badTensor.err().strip()).startsWith("vitshrink: '/blocks.0/Add_output_0' is not the "
                + "left operand of a MatMul or Gemm").doesNotContain("\n");
        assertThat(Path.of(out)).doesNotExist();

        SweepCliTest.Run stray = SweepCliTest.cli("report", "--db", db.toString(), "--out", out, "--tensor", "x");
        assertThat(stray.code()).isEqualTo(2);
        assertThat(stray.err()).contains("belong to --activations MODEL");
    }
}
