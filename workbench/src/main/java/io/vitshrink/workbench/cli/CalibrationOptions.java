package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --calib}, {@code --calib-size}, {@code --calib-seed}: the calibration sample of quantize, prune and tokens. */
public final class CalibrationOptions {

    @Option(names = "--calib", paramLabel = "DIR", description = "calibration images (folder, manifest or shared:NAME)")
    String calib;

    @Option(names = "--calib-size", defaultValue = "256", description = "calibration images, a seeded sample (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--calib-seed", defaultValue = "0", description = "seed of the calibration sample (default: ${DEFAULT-VALUE})")
    long seed;

    /** Whether --calib was given. */
    boolean given() {
        return calib != null;
    }

    void checkSize() {
        if (size < 1) {
            throw new UserException("--calib-size must be at least 1, not " + size);
        }
    }

    /** The --calib value when it is a manifest file (an input: never to be overwritten), else null. */
    Path manifest() {
        return DataOptions.manifestFile(calib);
    }

    /** A seeded sample of --calib-size images of --calib without any image of {@code evalSet}. */
    DataOptions.Prepared sample(DataOptions data, DataOptions.Prepared evalSet) {
        return CalibrationSample.choose(data, calib, evalSet, size, seed);
    }
}
