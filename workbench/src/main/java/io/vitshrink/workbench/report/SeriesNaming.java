package io.vitshrink.workbench.report;

import io.vitshrink.workbench.store.RunRecord;
import java.util.List;

/**
 * Names the chart series a run belongs to ({@code --series}). {@code auto}: the method, prefixed by the
 * model when the runs hold several models and by the database when several databases are compared, so
 * several models or runs share the same axes with one series each.
 */
public final class SeriesNaming {
    private final String key;
    private final boolean byModel;
    private final boolean byDb;

    private SeriesNaming(String key, boolean byModel, boolean byDb) {
        this.key = key;
        this.byModel = byModel;
        this.byDb = byDb;
    }

    public static SeriesNaming parse(String key, List<RunRecord> runs, boolean severalDbs) {
        boolean models = runs.stream().map(RunRecord::modelSha256).distinct().count() > 1;
        return key.equals("auto") ? new SeriesNaming("method", models, severalDbs) : new SeriesNaming(key, false, false);
    }

    public String name(RunRecord r, String db) {
        String base = key.equals("db") ? db : String.valueOf(RunFilter.value(r, key));
        if (byModel) {
            base = java.nio.file.Path.of(r.modelPath()).getFileName() + " · " + base;
        }
        if (byDb) {
            base = db + " · " + base;
        }
        return base;
    }
}
