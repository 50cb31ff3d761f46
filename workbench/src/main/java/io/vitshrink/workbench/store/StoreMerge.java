package io.vitshrink.workbench.store;

import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Combines results databases (e.g. the shards of a cluster job array) into one. Per point key the
 * better run wins: ok over failed, then the later start, and on a tie the run already there — so
 * merging the same files again changes nothing (idempotent) and the order of the sources does not
 * matter for ok runs of distinct points. Run folders are copied along.
 */
public final class StoreMerge {

    /** What a merge did. */
    public record Result(int read, int added, int replaced, int kept) {
    }

    private StoreMerge() {
    }

    public static Result merge(List<Path> sources, RunStore into) {
        int read = 0;
        int added = 0;
        int replaced = 0;
        int kept = 0;
        for (Path source : sources) {
            if (!Files.isRegularFile(source)) {
                throw new UserException("merge: '" + source + "' is not a results database file");
            }
            try (RunStore from = RunStore.open(source)) {
                for (RunRecord r : from.all()) {
                    read++;
                    Optional<RunRecord> existing = into.get(r.key());
                    if (existing.isPresent() && !better(r, existing.get())) {
                        kept++;
                        continue;
                    }
                    String runDir = null;
                    if (r.runDir() != null) {
                        Path folder = source.toAbsolutePath().getParent().resolve(r.runDir());
                        runDir = Files.isDirectory(folder) ? RunFolders.copy(folder, into, r.key()) : null;
                    }
                    into.put(new RunRecord(r.key(), r.command(), r.method(), r.label(), r.status(), r.error(), r.attempts(),
                            r.modelPath(), r.modelSha256(), r.settingsJson(), r.metrics(), r.startedAt(), r.seconds(),
                            r.versions(), r.machine(), runDir, r.sweep()));
                    if (existing.isPresent()) {
                        replaced++;
                    } else {
                        added++;
                    }
                }
            }
        }
        return new Result(read, added, replaced, kept);
    }

    /** Whether {@code candidate} should replace {@code existing}. */
    static boolean better(RunRecord candidate, RunRecord existing) {
        if (candidate.ok() != existing.ok()) {
            return candidate.ok();
        }
        return candidate.startedAt().isAfter(existing.startedAt());
    }
}
