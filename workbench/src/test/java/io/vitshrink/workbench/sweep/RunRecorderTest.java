package io.vitshrink.workbench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitshrink.workbench.store.RunRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --db} on the measuring commands: one row per command and settings, metrics = the --json keys. */
class RunRecorderTest {
    @TempDir
    Path dir;

    @Test
    void evalAndQuantizeRecordTheirRunsAndARepeatReplacesTheRow() throws Exception {
        TinySweep.write(dir, "  - eval\n");
        Path db = dir.resolve("runs.db");
        String model = dir.resolve("tiny.onnx").toString();
        String[] eval = {"eval", "--model", model, "--data", dir.resolve("eval").toString(), "--preset",
            dir.resolve("recipe.yaml").toString(), "--no-cache", "--quiet", "--db", db.toString()};
        assertThat(SweepCliTest.cli(eval).code()).isZero();
        assertThat(SweepCliTest.cli(eval).code()).isZero();
        SweepCliTest.Run q = SweepCliTest.cli("quantize", "--model", model, "--calib", dir.resolve("calib").toString(), "--preset",
                dir.resolve("recipe.yaml").toString(), "--image-size", "32", "--no-cache", "--quiet", "--w-bits", "8",
                "--a-bits", "8", "--out", dir.resolve("q.onnx").toString(), "--db", db.toString());
        assertThat(q.code()).as(q.err()).isZero();
        List<RunRecord> rows = SweepCliTest.rows(db);
        assertThat(rows).hasSize(2);
        RunRecord e = rows.get(0);
        assertThat(e.command()).isEqualTo("eval");
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.metrics()).containsKeys("top1", "images", "eval_seconds");
        assertThat(e.settingsJson()).contains("\"data\"").doesNotContain("runs.db");
        RunRecord r = rows.get(1);
        assertThat(r.method()).isEqualTo("PTQ uniform");
        assertThat(r.metrics()).containsEntry("w_bits", 8).containsKeys("bops", "size_ratio", "plan");
        assertThat(db.resolveSibling(r.runDir()).resolve("result.json")).isRegularFile();
    }
}
