package io.vitshrink.workbench.sweep;

import java.nio.file.Path;

/**
 * Where one step of a point runs.
 *
 * @param original the sweep's model (the float original: the reference of later steps)
 * @param input the model this step works on: the original for the first step, else the previous step's output
 * @param runDir the point's (staging) run folder; steps write their files here
 * @param index the step's position in the chain, from 0
 * @param data the sweep's data
 * @param threads ONNX Runtime intra-op threads (0 = automatic)
 */
public record StepContext(Path original, Path input, Path runDir, int index, SweepData data, int threads) {

    /** A file of this step in the run folder: {@code 0-quantize.onnx}. */
    public Path file(String kind, String extension) {
        return runDir.resolve(index + "-" + kind + extension);
    }

    /** Whether this step works on the original model (nothing before it changed the model). */
    public boolean onOriginal() {
        return input.equals(original);
    }
}
