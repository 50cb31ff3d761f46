package io.vitshrink.workbench.sweep;

import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a point with fixed settings (canonical: shorthands expanded, keys sorted).
 *
 * @param kind the step kind
 * @param settings its settings
 */
public record Step(StepKind kind, Map<String, String> settings) {

    public Step {
        settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** What goes into the point key. */
    Map<String, Object> keyFields() {
        return Map.of("kind", kind.name(), "settings", settings);
    }
}
