package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.workbench.inspect.InspectionReport;
import io.vitshrink.workbench.output.OutputPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vitshrink inspect MODEL}: structure and cost of a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's inputs, parameters, MACs and recognized ViT structure.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "ONNX model file")
    Path model;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as flat JSON")
    Path json;

    @Option(names = "--image-size", defaultValue = "224",
            description = "image size for inputs whose spatial size is symbolic (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Override
    public Integer call() throws Exception {
        OptionRanges.imageSize(imageSize);
        new OutputPaths().input("the input model", model).output("--json", json);
        AnalyzedModel analyzed = AnalyzedModel.of(ModelIO.load(model), imageSize);
        InspectionReport report = new InspectionReport(model.getFileName().toString(), Files.size(model), analyzed);
        System.out.print(report.text());
        report.json().writeTo(json);
        return 0;
    }
}
