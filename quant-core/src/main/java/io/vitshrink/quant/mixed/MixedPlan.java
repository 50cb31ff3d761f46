package io.vitshrink.quant.mixed;

import io.vitshrink.quant.Calibrated;
import io.vitshrink.quant.plan.QuantPlan;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns an allocation into a replayable {@link QuantPlan}, every tensor at its unit's width. */
public final class MixedPlan {

    private MixedPlan() {
    }

    public static QuantPlan of(Calibrated calibrated, List<QuantUnit> units, Allocation allocation, String sourceName,
            String sourceSha256, String toolVersion, String allocator) {
        Map<String, Integer> bitsOf = new HashMap<>();
        int[] bits = allocation.bits();
        for (int u = 0; u < units.size(); u++) {
            for (QuantTarget t : units.get(u).targets()) {
                bitsOf.put(t.tensor(), bits[u]);
            }
        }
        Measures m = allocation.measures();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("w_bits", String.format(Locale.ROOT, "mixed %.3f", m.avgWeightBits()));
        settings.put("a_bits", String.format(Locale.ROOT, "mixed %.3f", m.avgActivationBits()));
        settings.put("mixed_allocator", allocator);
        settings.put("mixed_predicted_damage", allocation.predictedDamage());
        return calibrated.plan(sourceName, sourceSha256, toolVersion, t -> bitsOf.get(t.tensor()), settings);
    }
}
