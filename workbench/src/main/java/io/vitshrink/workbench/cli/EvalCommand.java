package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.workbench.eval.EvalResult;
import io.vitshrink.workbench.eval.Evaluator;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink eval}: accuracy and fidelity of a model on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on images: top-1/top-5 when labels exist; against --reference also top-1 "
                + "agreement, mean KL(reference ‖ model) and mean logit cosine; images per second.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M", description = "ONNX model file")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "image folder, dataset manifest (JSON/YAML), or shared:NAME")
    String data;

    @Option(names = "--reference", paramLabel = "M0", description = "reference model (usually the float original)")
    Path reference;

    @Mixin
    OutputOptions output;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    RunRecorder recorder;

    @Override
    public Integer call() {
        new OutputPaths().input("the input model (--model)", model).input("the reference model (--reference)", reference)
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .input("the dataset manifest (--data)", DataOptions.manifestFile(data))
                .output("--json", output.json).output("--db", recorder.db);
        DataOptions.Prepared prepared = dataOptions.prepare(data);
        Model floatModel = ModelIO.load(model);
        Model referenceModel = reference == null ? null : ModelIO.load(reference);
        DataOptions.checkFits(floatModel, prepared.recipe());
        if (referenceModel != null) {
            DataOptions.checkFits(referenceModel, prepared.recipe());
        }
        EvalResult result;
        try (Runner m = Runner.open(floatModel, runtime.toRunnerOptions());
                Runner ref = referenceModel == null ? null : Runner.open(referenceModel, runtime.toRunnerOptions())) {
            // the loader logs one warning per skipped image; the count goes into the result
            result = Evaluator.run(m, ref, prepared.dataset(), prepared.recipe(), dataOptions.loaderOptions(), output.quiet);
        }
        print(result, prepared);
        JsonResult j = new JsonResult().put("model", model.getFileName().toString())
                .put("reference", reference == null ? null : reference.getFileName().toString())
                .put("data", prepared.source()).put("preset", prepared.recipe().name())
                .putAll(result.json());
        j.writeTo(output.json);
        recorder.record(model, j);
        return 0;
    }

    private void print(EvalResult r, DataOptions.Prepared p) {
        var m = r.metrics();
        System.out.printf("data        %s (%d images, %d skipped, preset %s)%n", p.source(), m.images(), r.skippedImages(),
                p.recipe().name());
        if (m.labeledImages() > 0) {
            System.out.printf("top-1       %.4f  (%d of %d)%n", m.top1(), m.top1Correct(), m.labeledImages());
            System.out.printf("top-5       %.4f%n", m.top5());
        } else {
            System.out.println("top-1       - (no labels)");
        }
        if (reference != null) {
            if (m.labeledImages() > 0) {
                System.out.printf("reference   top-1 %.4f (%s), drop %.2f points%n", r.referenceMetrics().top1(),
                        reference.getFileName(), 100 * (r.referenceMetrics().top1() - m.top1()));
            }
            System.out.printf("agreement   %.4f  (top-1 vs %s)%n", m.agreementTop1(), reference.getFileName());
            System.out.printf("KL          %.6f  (mean KL(reference ‖ model), nats)%n", m.meanKl());
            System.out.printf("cosine      %.6f  (mean logit cosine)%n", m.meanLogitCosine());
        }
        System.out.printf("speed       %.1f images/s (%.1f s, of which ONNX Runtime %.1f s)%n", r.imagesPerSecond(),
                r.seconds(), r.inferenceSeconds());
    }
}
