package io.vitshrink.quant.mixed;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.metrics.ClassificationMetrics;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.Tensor;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.Calibrated;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.plan.TensorQuantization;
import io.vitshrink.quant.scheme.QuantTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures each unit's sensitivity: for every unit and width, the reparameterized model with only that
 * unit quantized (parameters from the one calibration) runs on the held-out images, kept in memory, and
 * its logits are compared with the float logits (computed once).
 */
public final class SensitivityAnalysis {

    /** Told after each measured candidate. */
    public interface Listener {
        void measured(int done, int total);
    }

    private final RunnerOptions options;

    public SensitivityAnalysis(RunnerOptions options) {
        this.options = options;
    }

    /**
     * @param heldOut batches not used for calibration
     */
    public SensitivityTable run(Calibrated calibrated, List<QuantUnit> units, int[] bitOptions,
            List<CalibrationInputs.Batch> heldOut, Listener listener) {
        if (heldOut.isEmpty()) {
            throw new UserException("sensitivity needs held-out images (--holdout at least 1)");
        }
        Model working = calibrated.workingModel();
        List<float[]> reference = logits(working, heldOut);
        int images = heldOut.stream().mapToInt(CalibrationInputs.Batch::size).sum();
        double[][] kl = new double[units.size()][bitOptions.length];
        double[][] agreement = new double[units.size()][bitOptions.length];
        int total = units.size() * bitOptions.length;
        int done = 0;
        for (int u = 0; u < units.size(); u++) {
            for (int k = 0; k < bitOptions.length; k++) {
                List<TensorQuantization> tensors = new ArrayList<>();
                for (QuantTarget t : units.get(u).targets()) {
                    tensors.add(calibrated.quantization(t, bitOptions[k]));
                }
                Model candidate = PtqPipeline.rewrite(working, "simulated", tensors, false, Map.of());
                ClassificationMetrics m = compare(candidate, heldOut, reference);
                kl[u][k] = m.meanKl();
                agreement[u][k] = m.agreementTop1();
                listener.measured(++done, total);
            }
        }
        return new SensitivityTable(units, bitOptions, kl, agreement, images);
    }

    /** Logits of a model on the batches, one array per batch. */
    public List<float[]> logits(Model model, List<CalibrationInputs.Batch> batches) {
        List<float[]> out = new ArrayList<>();
        try (Runner r = Runner.open(model, options)) {
            for (CalibrationInputs.Batch b : batches) {
                out.add(r.runBatch(b.pixels(), b.shape()).toFloats());
            }
        }
        return out;
    }

    /** Agreement and KL of a model against reference logits on the same batches. */
    public ClassificationMetrics compare(Model model, List<CalibrationInputs.Batch> batches, List<float[]> reference) {
        ClassificationMetrics m = new ClassificationMetrics();
        try (Runner r = Runner.open(model, options)) {
            for (int i = 0; i < batches.size(); i++) {
                CalibrationInputs.Batch b = batches.get(i);
                Tensor logits = r.runBatch(b.pixels(), b.shape());
                m.add(logits.toFloats(), (int) (logits.numel() / b.size()), null, reference.get(i));
            }
        }
        return m;
    }
}
