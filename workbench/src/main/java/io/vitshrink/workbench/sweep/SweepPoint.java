package io.vitshrink.workbench.sweep;

import io.vitshrink.workbench.store.PointKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One point of a sweep: a model and a chain of steps with fixed settings, on the sweep's data. Its key
 * is the model's content hash plus the canonical settings ({@link #settingsJson()}), so a rerun finds
 * the points already recorded even when the file moved or the sweep file was reordered.
 *
 * @param model the model file
 * @param modelSha256 SHA-256 of its content
 * @param steps the chain, run in order
 * @param data the sweep's data
 */
public record SweepPoint(Path model, String modelSha256, List<Step> steps, SweepData data) {

    public SweepPoint {
        steps = List.copyOf(steps);
    }

    /** Canonical JSON of everything but the model: the steps with their settings, and the data. */
    public String settingsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> chain = new ArrayList<>();
        steps.forEach(s -> chain.add(s.keyFields()));
        m.put("steps", chain);
        m.put("data", data.keyFields());
        return PointKey.canonicalJson(m);
    }

    public String key() {
        return PointKey.of(modelSha256, settingsJson());
    }

    /** The step kinds, e.g. {@code quantize+bench}. */
    public String command() {
        return steps.stream().map(s -> s.kind().name()).collect(Collectors.joining("+"));
    }

    /** The report series: the methods of the steps that change the model, or {@code float}. */
    public String method() {
        String m = steps.stream().map(s -> s.kind().method(s.settings())).filter(Objects::nonNull)
                .collect(Collectors.joining(" → "));
        return m.isEmpty() ? "float" : m;
    }

    /** A short name: the labels of the steps that change the model, or {@code float}. */
    public String label() {
        String l = steps.stream().filter(s -> s.kind().method(s.settings()) != null)
                .map(s -> s.kind().label(s.settings())).collect(Collectors.joining(" → "));
        return l.isEmpty() ? "float" : l;
    }
}
