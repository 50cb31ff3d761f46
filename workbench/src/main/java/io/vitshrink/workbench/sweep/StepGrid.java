package io.vitshrink.workbench.sweep;

import java.util.List;
import java.util.Map;

/**
 * One step of a sweep entry before expansion: each setting with its list of values (one value: fixed;
 * several: an axis of the grid).
 *
 * @param kind the step kind
 * @param axes setting → values, in the order written
 */
record StepGrid(StepKind kind, Map<String, List<String>> axes) {
}
