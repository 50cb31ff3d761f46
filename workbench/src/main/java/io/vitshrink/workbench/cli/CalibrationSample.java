package io.vitshrink.workbench.cli;

import io.vitshrink.data.dataset.DatasetEntry;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.data.sampling.SeededSampler;
import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The calibration images of quantize and prune: a seeded sample of a pool, without any image that is also evaluated. */
final class CalibrationSample {

    private CalibrationSample() {
    }

    /** A seeded sample of {@code size} images of the {@link #pool}. */
    static DataOptions.Prepared choose(DataOptions dataOptions, String calib, DataOptions.Prepared evalSet, int size, long seed) {
        DataOptions.Prepared all = pool(dataOptions, calib, evalSet);
        ImageDataset pool = all.dataset();
        if (size < pool.size()) {
            pool = SeededSampler.sample(pool, size, seed);
        }
        return new DataOptions.Prepared(pool, all.recipe(), all.source());
    }

    /** The whole calibration set without any image that is also evaluated (search splits it itself). */
    static DataOptions.Prepared pool(DataOptions dataOptions, String calib, DataOptions.Prepared evalSet) {
        DataOptions.Prepared all = dataOptions.prepareAll(calib);
        ImageDataset pool = all.dataset();
        if (evalSet != null) {
            Set<Path> evaluated = new HashSet<>();
            for (DatasetEntry e : evalSet.dataset().entries()) {
                evaluated.add(e.file().toAbsolutePath().normalize());
            }
            List<Integer> keep = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                if (!evaluated.contains(pool.get(i).file().toAbsolutePath().normalize())) {
                    keep.add(i);
                }
            }
            if (keep.size() < pool.size()) {
                System.err.printf("note: %d calibration images are also evaluated; they are left out of calibration%n",
                        pool.size() - keep.size());
                pool = pool.select(keep.stream().mapToInt(Integer::intValue).toArray(), pool.name());
            }
        }
        if (pool.size() == 0) {
            throw new UserException("no calibration image is left after removing the evaluation images");
        }
        return new DataOptions.Prepared(pool, all.recipe(), all.source());
    }
}
