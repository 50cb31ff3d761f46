package io.vitshrink.quant.calibration;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.ExposedOutputs;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.observers.TensorObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One pass over the calibration images: every tensor some statistic needs is exposed as an output
 * and read from the same ORT run, then handed to its consumers; memory is what the consumers keep
 * plus one batch of activations.
 */
public final class Calibrator {
    private final RunnerOptions options;

    public Calibrator(RunnerOptions options) {
        this.options = options;
    }

    /**
     * Result of a pass: images seen and wall time, split into where it went.
     *
     * @param inferenceSeconds inside ONNX Runtime, reading the exposed outputs included
     * @param observerSeconds updating the statistics (on all cores, ORT idle meanwhile)
     */
    public record PassStats(int images, double seconds, double inferenceSeconds, double observerSeconds) {

        /** The rest: waiting for the next batch of inputs, session start-up. */
        public double otherSeconds() {
            return Math.max(0, seconds - inferenceSeconds - observerSeconds);
        }
    }

    /**
     * @param model the model to run (not modified)
     * @param consumers tensor name → statistic fed with that tensor's values
     * @param inputs calibration images
     * @param progress told the number of images done after each batch
     */
    public PassStats run(Model model, Map<String, ? extends TensorObserver> consumers, CalibrationInputs inputs,
            IntConsumer progress) {
        List<String> names = new ArrayList<>(consumers.keySet());
        // graph inputs (e.g. the pixels entering the patch embedding) are fed, not computed
        List<String> inputNames = model.graph().feedInputs().stream().map(v -> v.name()).toList();
        List<String> computed = names.stream().filter(n -> !inputNames.contains(n)).toList();
        Model exposed = ExposedOutputs.expose(model, computed);
        long t0 = System.nanoTime();
        long inferenceNanos = 0;
        long observerNanos = 0;
        int images = 0;
        try (Runner runner = Runner.open(exposed, options); CalibrationInputs.Pass pass = inputs.open();
                ParallelUpdates updaters = new ParallelUpdates(Runtime.getRuntime().availableProcessors())) {
            String input = runner.inputNames().get(0);
            Map<String, float[]> buffers = new HashMap<>(); // observers never keep the arrays they are given
            while (pass.hasNext()) {
                CalibrationInputs.Batch batch = pass.next();
                long ti = System.nanoTime();
                Map<String, Runner.FloatOutput> out = runner.runFloats(
                        Map.of(input, Tensor.ofFloats(input, batch.shape(), batch.pixels())), computed, buffers);
                long to = System.nanoTime();
                inferenceNanos += to - ti;
                List<Runnable> updates = new ArrayList<>();
                for (Map.Entry<String, ? extends TensorObserver> e : consumers.entrySet()) {
                    TensorObserver o = e.getValue();
                    if (e.getKey().equals(input)) {
                        updates.add(() -> o.update(batch.pixels(), batch.shape()));
                    } else {
                        Runner.FloatOutput v = out.get(e.getKey());
                        updates.add(() -> o.update(v.data(), v.shape()));
                    }
                }
                updaters.runAll(updates);
                observerNanos += System.nanoTime() - to;
                images += batch.size();
                progress.accept(images);
            }
        }
        if (images == 0) {
            throw new UserException("the calibration set gave no images (all skipped or empty)");
        }
        return new PassStats(images, (System.nanoTime() - t0) / 1e9, inferenceNanos / 1e9, observerNanos / 1e9);
    }
}
