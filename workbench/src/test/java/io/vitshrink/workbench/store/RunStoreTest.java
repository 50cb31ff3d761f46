package io.vitshrink.workbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store: one row per point key, metrics also as rows, refusing files it cannot read. */
class RunStoreTest {
    @TempDir
    Path dir;

    static RunRecord run(String key, RunStatus status, Instant at, double top1) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("top1", top1);
        metrics.put("format", "qdq");
        metrics.put("kl", null);
        return new RunRecord(key, "quantize", "PTQ uniform", "W8A8 uniform", status, status == RunStatus.OK ? null : "boom",
                1, "m.onnx", "abc", "{\"w_bits\":\"8\"}", metrics, at, 1.5, Map.of("vitshrink", "test"),
                Map.of("cores", "2"), null, "s");
    }

    @Test
    void aPointKeepsOneRowAndItsLatestAttempt() throws Exception {
        Path db = dir.resolve("r.db");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (RunStore s = RunStore.open(db)) {
            s.put(run("k1", RunStatus.FAILED, t, Double.NaN));
            s.put(run("k1", RunStatus.OK, t.plusSeconds(5), 0.75).withAttempts(2));
            s.put(run("k2", RunStatus.OK, t.plusSeconds(9), 0.5));
            List<RunRecord> all = s.all();
            assertThat(all).extracting(RunRecord::key).containsExactly("k1", "k2");
            RunRecord k1 = s.get("k1").orElseThrow();
            assertThat(k1.ok()).isTrue();
            assertThat(k1.attempts()).isEqualTo(2);
            assertThat(k1.number("top1")).isEqualTo(0.75);
            assertThat(k1.metrics()).containsEntry("format", "qdq");
            assertThat(k1.versions()).containsEntry("vitshrink", "test");
            assertThat(k1.startedAt()).isEqualTo(t.plusSeconds(5));
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
                ResultSet r = c.createStatement().executeQuery("SELECT key, num, text FROM metrics WHERE point_key = 'k1' ORDER BY key")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("format");
            assertThat(r.getString(3)).isEqualTo("qdq");
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("kl"); // a metric that does not apply is kept, as null
            assertThat(r.next()).isTrue();
            assertThat(r.getDouble(2)).isEqualTo(0.75);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void aFileThatIsNotADatabaseOrFromANewerVersionIsAUserError() throws Exception {
        Path text = dir.resolve("notes.db");
        Files.writeString(text, "these are notes, not SQLite, and long enough to have a header page........................"
                + "....................................................................................................");
        assertThatThrownBy(() -> RunStore.open(text).all()).isInstanceOf(UserException.class).hasMessageContaining("notes.db");
        Path newer = dir.resolve("newer.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + newer)) {
            c.createStatement().execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> RunStore.open(newer)).isInstanceOf(UserException.class).hasMessageContaining("newer vitshrink");
        assertThatThrownBy(() -> RunStore.open(dir)).isInstanceOf(UserException.class).hasMessageContaining("is a folder");
    }

    @Test
    void pointKeysDependOnContentNotOnTheOrderSettingsWereWrittenIn() {
        String a = PointKey.canonicalJson(new java.util.TreeMap<>(Map.of("b", 1, "a", Map.of("y", 2, "x", 3))));
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("a", new LinkedHashMap<>(Map.of("x", 3, "y", 2)));
        other.put("b", 1);
        assertThat(PointKey.canonicalJson(other)).isEqualTo(a).isEqualTo("{\"a\":{\"x\":3,\"y\":2},\"b\":1}");
        assertThat(PointKey.of("sha1", a)).isNotEqualTo(PointKey.of("sha2", a)).hasSize(64);
    }
}
