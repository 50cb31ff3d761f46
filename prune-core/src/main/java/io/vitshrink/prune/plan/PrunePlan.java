package io.vitshrink.prune.plan;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to rebuild a pruned model from its input model: the method and settings, the
 * masks of weight-pruned layers, the kept heads/channels of structured removal, and (when the
 * workbench quantized the pruned model in the same run) the quantization it applied afterwards.
 * Reconstruction updates are not stored (they would be as large as the weights): replaying a plan
 * with {@code reconstruction != none} recomputes them from the calibration sample recorded in
 * {@code settings} (deterministic: same images, same order, same sums).
 *
 * @param method block, nm, heads, channels, or structured (heads and channels)
 * @param sourceModel file name of the input model
 * @param sourceSha256 its SHA-256
 * @param toolVersion vitshrink version that made the plan
 * @param settings flat settings (pattern, score, sparsity, reconstruction, damping, calibration sample)
 * @param layers weight masks, in graph order
 * @param cuts structured removal per block
 * @param quantization settings of the quantization that followed (flat), empty when none
 */
public record PrunePlan(String method, String sourceModel, String sourceSha256, String toolVersion,
        Map<String, Object> settings, List<LayerMask> layers, List<BlockCut> cuts, Map<String, Object> quantization) {

    public PrunePlan {
        settings = Map.copyOf(settings);
        layers = List.copyOf(layers);
        cuts = List.copyOf(cuts);
        quantization = Map.copyOf(quantization);
    }

    public PrunePlan withQuantization(Map<String, Object> q) {
        return new PrunePlan(method, sourceModel, sourceSha256, toolVersion, settings, layers, cuts, q);
    }

    public String setting(String key, String defaultValue) {
        Object v = settings.get(key);
        return v == null ? defaultValue : v.toString();
    }
}
