package io.vitshrink.workbench.report;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.vit.TransformerBlock;
import io.vitshrink.onnx.vit.VitStructure;
import io.vitshrink.quant.calibration.CalibrationInputs;
import io.vitshrink.quant.nonuniform.LevelComparison;
import io.vitshrink.quant.nonuniform.NonUniformQuantizer;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.reports.charts.ActivationHistogram;
import io.vitshrink.reports.charts.SvgCharts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's activation histograms: for each chosen tensor, its values on a few calibration images
 * with the levels of the uniform, log2 and AdaLog quantizers (searched as {@code quantize} searches them)
 * drawn over it. By default the two power-law tensors of the middle block: its post-Softmax
 * probabilities and its post-GELU input of fc2.
 */
public final class ActivationCharts {

    private ActivationCharts() {
    }

    /** The middle block's post-Softmax and post-GELU tensors. */
    public static List<String> defaultTensors(VitStructure structure) {
        if (!structure.isVit() || structure.blocks().isEmpty()) {
            throw new UserException("no transformer block was recognized in the --activations model; name the tensors "
                    + "to draw with --tensor");
        }
        TransformerBlock b = structure.blocks().get(structure.blocks().size() / 2);
        return List.of(b.attention().context().input(0), b.mlp().fc2().input());
    }

    /**
     * @return chart title → SVG element, one per tensor
     */
    public static Map<String, String> build(LevelComparison comparison, Model model, List<String> tensors, int bits,
            CalibrationInputs calibration, int images) {
        Map<String, String> charts = new LinkedHashMap<>();
        for (String tensor : tensors) {
            LevelComparison.Comparison c = comparison.compare(model, tensor, LevelComparison.DEFAULT_KINDS, bits, calibration,
                    images, n -> { });
            List<ActivationHistogram.Levels> levels = new ArrayList<>();
            for (LevelComparison.Fitted f : c.quantizers()) {
                levels.add(new ActivationHistogram.Levels(label(f.choice(), f.quantizer()), f.quantizer().levels(),
                        f.relativeError()));
            }
            String caption = String.format(Locale.ROOT, "Activation histogram, %d-bit levels: %s", bits, tensor);
            String chartTitle = String.format(Locale.ROOT, "%s (%d-bit levels)", tensor, bits);
            String id = "act-" + Integer.toHexString(tensor.hashCode());
            charts.put(caption, SvgCharts.svg(ActivationHistogram.build(chartTitle, c.values(), levels), 600, 420, id));
        }
        return charts;
    }

    private static String label(QuantizerChoice choice, NonUniformQuantizer q) {
        return switch (choice) {
            case UNIFORM -> "uniform";
            case LOG2 -> "log2";
            case LOG_SQRT2 -> "log√2";
            case ADALOG -> "AdaLog";
            case TWIN -> "twin-uniform";
            case AUTO -> "auto (" + q.kind() + ")";
        };
    }
}
