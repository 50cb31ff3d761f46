package io.vitshrink.workbench.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data every point of a sweep uses (the {@code data:} section). Part of every point's key: a
 * point evaluated on a different sample is a different point.
 *
 * @param calib calibration images (folder, manifest or shared:NAME), or null
 * @param calibSize seeded calibration sample size
 * @param calibSeed seed of the calibration sample
 * @param eval evaluation images, or null (then quantize points are not evaluated)
 * @param evalLimit a seeded sample of this many evaluation images, or null for all
 * @param evalSeed seed of the evaluation sample
 * @param preset preprocessing preset or recipe file, or null for the dataset's default
 * @param imageSize image size for symbolic input sizes
 * @param cache whether the preprocessed-tensor cache is used
 */
public record SweepData(String calib, int calibSize, long calibSeed, String eval, Integer evalLimit, long evalSeed,
        String preset, int imageSize, boolean cache) {

    /** The fields that change results, for the point key (the cache does not). */
    Map<String, Object> keyFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calib", calib);
        m.put("calib_size", calibSize);
        m.put("calib_seed", calibSeed);
        m.put("eval", eval);
        m.put("eval_limit", evalLimit);
        m.put("eval_seed", evalSeed);
        m.put("preset", preset);
        m.put("image_size", imageSize);
        return m;
    }
}
