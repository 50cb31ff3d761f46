package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.RunnerOptions;
import io.vitshrink.quant.PtqPipeline;
import io.vitshrink.quant.nonuniform.QuantizerChoice;
import io.vitshrink.quant.observers.ObserverKind;
import io.vitshrink.quant.observers.WeightRangeMethod;
import io.vitshrink.quant.scheme.SchemePresets;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The quantization step of {@code prune --then-quantize}: the pruned model goes through the same
 * post-training quantization as {@code vitshrink quantize} (its defaults: vit-all scheme, percentile
 * observer, MSE weight ranges, RepQ-ViT reparameterization), calibrated on the same images. Zeros
 * survive: symmetric weight quantizers map 0 to 0, and the reparameterizations only scale columns.
 */
final class ThenQuantize {

    @Option(names = "--then-quantize", description = "quantize the pruned model afterwards (prune → quantize in one run; "
            + "the prune plan records the quantization and a quantization plan is written next to it)")
    boolean enabled;

    @Option(names = "--w-bits", defaultValue = "8", description = "with --then-quantize: weight bits (default: ${DEFAULT-VALUE})")
    int wBits;

    @Option(names = "--a-bits", defaultValue = "8", description = "with --then-quantize: activation bits, 0 = weight-only (default: ${DEFAULT-VALUE})")
    int aBits;

    @Option(names = "--format", defaultValue = "qdq", description = "with --then-quantize: qdq or simulated (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--reparam", defaultValue = "repq", description = "with --then-quantize: repq, smoothquant or none (default: ${DEFAULT-VALUE})")
    String reparam;

    PtqPipeline.Settings settings(int imageSize) {
        return new PtqPipeline.Settings(SchemePresets.get("vit-all", wBits, aBits), ObserverKind.parse("percentile"),
                WeightRangeMethod.parse("mse"), PtqPipeline.Reparam.parse(reparam), format, false, imageSize,
                QuantizerChoice.parse("uniform"), QuantizerChoice.parse("uniform"));
    }

    /** What the prune plan records about the quantization (flat). */
    Map<String, Object> record(String quantPlanFile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("w_bits", wBits);
        m.put("a_bits", aBits);
        m.put("format", format);
        m.put("reparam", reparam);
        m.put("scheme", "vit-all");
        m.put("observer", "percentile");
        m.put("weight_range", "mse");
        m.put("plan", quantPlanFile);
        return m;
    }

    PtqPipeline.Result run(Model pruned, String sourceName, String sha, LoaderCalibrationInputs inputs, RunnerOptions options,
            int imageSize, boolean quiet) {
        try (PassProgress progress = new PassProgress(inputs.size(), quiet)) {
            return new PtqPipeline(options, progress).run(pruned, sourceName, sha, VersionProvider.version(), inputs,
                    settings(imageSize));
        }
    }
}
