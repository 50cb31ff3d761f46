package io.vitshrink.workbench.store;

import static io.vitshrink.workbench.store.RunStoreTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** merge: ok beats failed, the later run beats the earlier, and merging again changes nothing. */
class StoreMergeTest {
    @TempDir
    Path dir;

    @Test
    void mergingIsIdempotentAndPrefersSuccessfulRuns() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        try (RunStore s = RunStore.open(a)) {
            s.put(run("shared", RunStatus.OK, t, 0.7));
            s.put(run("onlyA", RunStatus.OK, t, 0.6));
        }
        try (RunStore s = RunStore.open(b)) {
            s.put(run("shared", RunStatus.FAILED, t.plusSeconds(60), Double.NaN)); // later, but failed
            s.put(run("onlyB", RunStatus.OK, t, 0.5));
        }
        Path all = dir.resolve("all.db");
        try (RunStore into = RunStore.open(all)) {
            StoreMerge.Result first = StoreMerge.merge(List.of(a, b), into);
            assertThat(first.added()).isEqualTo(3);
            assertThat(first.replaced()).isZero();
            List<RunRecord> once = into.all();
            StoreMerge.Result again = StoreMerge.merge(List.of(b, a), into);
            assertThat(again.added() + again.replaced()).isZero();
            assertThat(into.all()).isEqualTo(once);
            assertThat(into.get("shared").orElseThrow().ok()).isTrue();
            assertThat(once).extracting(RunRecord::key).containsExactlyInAnyOrder("shared", "onlyA", "onlyB");
        }
    }
}
