package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.UserException;
import io.vitshrink.reports.ReportInput;
import io.vitshrink.reports.ReportWriter;
import io.vitshrink.reports.ResultRow;
import io.vitshrink.reports.reference.ReferencePoint;
import io.vitshrink.reports.reference.ReferencePoints;
import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.quant.nonuniform.LevelComparison;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.quantize.LoaderCalibrationInputs;
import io.vitshrink.workbench.report.ActivationCharts;
import io.vitshrink.workbench.report.PlanHeatmaps;
import io.vitshrink.workbench.report.RunFilter;
import io.vitshrink.workbench.report.SensitivityCharts;
import io.vitshrink.workbench.report.SeriesNaming;
import io.vitshrink.workbench.store.RunRecord;
import io.vitshrink.workbench.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink report --db results.db --out DIR}: an HTML/Markdown/CSV report of recorded runs. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a report folder from results databases: a self-contained index.html with trade-off charts "
                + "(SVG inline), summary.md, runs.csv and the published reference points.")
public final class ReportCommand implements Callable<Integer> {
    /** Sensitivity charts and heatmaps drawn at most (one per run): a sweep can hold hundreds of runs. */
    private static final int MAX_CHARTS_OF_A_KIND = 12;

    @Option(names = "--db", required = true, paramLabel = "FILE",
            description = "results database; repeat to compare several side by side")
    List<Path> dbs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "report folder to write")
    Path out;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "keep runs where KEY (model, method, label, status, command, sweep, or a metric such as w_bits) "
                    + "equals (=) or differs from (!=) VALUE; repeat: all must hold")
    List<String> filters = new ArrayList<>();

    @Option(names = "--series", defaultValue = "auto", paramLabel = "KEY",
            description = "one chart series per: method, model, db, sweep, label, or a metric key; auto = method, "
                    + "prefixed by the model when there are several and by the database when several are given (default: ${DEFAULT-VALUE})")
    String series;

    @Option(names = "--reference-model", paramLabel = "NAME",
            description = "draw the published reference points of this model (e.g. DeiT-T) beside the measured ones")
    String referenceModel;

    @Option(names = "--reference-points", paramLabel = "CSV",
            description = "published points to use instead of the bundled ones (same columns; see reference-points.csv in a report)")
    Path referencePoints;

    @Option(names = "--title", defaultValue = "vitshrink report", description = "page title (default: ${DEFAULT-VALUE})")
    String title;

    @Option(names = "--activations", paramLabel = "MODEL",
            description = "also draw activation histograms of this model's tensors with the levels of the uniform, log2 "
                    + "and AdaLog quantizers over them (needs --calib)")
    Path activationsModel;

    @Option(names = "--tensor", paramLabel = "NAME",
            description = "with --activations: a tensor to draw (the left operand of a MatMul or Gemm); repeat for several "
                    + "(default: the middle block's post-Softmax and post-GELU tensors)")
    List<String> tensors = new ArrayList<>();

    @Option(names = "--activation-bits", defaultValue = "4", description = "with --activations: quantizer width (default: ${DEFAULT-VALUE})")
    int activationBits;

    @Option(names = "--calib", paramLabel = "DIR", description = "with --activations: images to sample the tensors on")
    String calib;

    @Option(names = "--calib-size", defaultValue = "8",
            description = "with --activations: images sampled from --calib (default: ${DEFAULT-VALUE})")
    int calibSize;

    @Option(names = "--image-size", defaultValue = "224", description = "with --activations: image size for symbolic input sizes")
    int imageSize;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        checkActivationOptions();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserException("--out '" + out + "' is a file; the report is a folder: give a folder path");
        }
        for (Path db : dbs) {
            if (!Files.isRegularFile(db)) {
                throw new UserException("--db '" + db + "' does not exist; give a results database written by sweep or --db");
            }
        }
        RunFilter filter = RunFilter.parse(filters);
        List<RunRecord> runs = new ArrayList<>();
        List<String> dbNames = new ArrayList<>();
        List<Integer> dbIndex = new ArrayList<>();
        for (Path db : dbs) {
            try (RunStore store = RunStore.open(db)) {
                for (RunRecord r : store.all()) {
                    if (filter.test(r)) {
                        runs.add(r);
                        dbNames.add(db.getFileName().toString());
                        dbIndex.add(dbs.indexOf(db));
                    }
                }
            }
        }
        if (runs.isEmpty()) {
            throw new UserException("no runs " + (filters.isEmpty() ? "in " + dbs : "match " + filters + " in " + dbs)
                    + "; run a sweep or a command with --db first");
        }
        SeriesNaming naming = SeriesNaming.parse(series, runs, dbs.size() > 1);
        List<ResultRow> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            rows.add(new ResultRow(r.key(), Path.of(r.modelPath()).getFileName().toString(), naming.name(r, dbNames.get(i)),
                    r.label(), r.ok(), r.error(), r.metrics()));
        }
        List<ReferencePoint> all = referencePoints == null ? ReferencePoints.bundled() : ReferencePoints.read(referencePoints);
        List<ReferencePoint> drawn = referenceModel == null ? List.of()
                : all.stream().filter(p -> p.model().equalsIgnoreCase(referenceModel)).toList();
        if (referenceModel != null && drawn.isEmpty()) {
            throw new UserException("--reference-model '" + referenceModel + "' has no published points; models listed: "
                    + new TreeSet<>(all.stream().map(ReferencePoint::model).toList()));
        }
        String source = "From " + String.join(", ", dbs.stream().map(Path::toString).toList())
                + (filters.isEmpty() ? "" : ", filtered by " + String.join(" and ", filters))
                + evaluationNote(runs) + ".";
        Map<String, String> extra = new LinkedHashMap<>();
        int heatmaps = 0;
        int sensitivities = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            if (!r.ok() || r.runDir() == null) {
                continue;
            }
            Path folder = dbs.get(dbIndex.get(i)).toAbsolutePath().getParent().resolve(r.runDir());
            String id = r.key().substring(0, 8);
            if (sensitivities < MAX_CHARTS_OF_A_KIND) {
                String t = "Per-layer sensitivity: " + r.label();
                String svg = SensitivityCharts.svg(folder, t, "sens-" + id);
                if (svg != null) {
                    extra.put(t, svg);
                    sensitivities++;
                }
            }
            if (heatmaps < MAX_CHARTS_OF_A_KIND) {
                String t = "Bit allocation: " + r.label();
                String svg = PlanHeatmaps.svg(folder, t, "heat-" + id);
                if (svg != null) {
                    extra.put(t, svg);
                    heatmaps++;
                }
            }
        }
        if (activationsModel != null) {
            extra.putAll(activationHistograms());
        }
        ReportInput input = new ReportInput(title, source, rows, drawn, all, provenance(runs), extra);
        ReportWriter.Written w = ReportWriter.write(input, out);
        System.out.printf("report: %d runs, %d charts → %s%n", rows.size(), w.charts().size(), w.index());
        return 0;
    }

    private void checkActivationOptions() {
        if (activationsModel == null) {
            if (calib != null || !tensors.isEmpty()) {
                throw new UserException("--calib and --tensor belong to --activations MODEL (the model whose tensors are drawn)");
            }
            return;
        }
        if (calib == null) {
            throw new UserException("--activations needs --calib DIR: the images the tensors are sampled on");
        }
        if (dataOptions.limit != null) {
            // the data options are shared with the other commands; --calib-size is how many images the report samples
            throw new UserException("report samples --calib-size images of --calib; --limit does not apply here");
        }
        if (calibSize < 1 || calibSize > 1024) {
            throw new UserException("--calib-size must be between 1 and 1024, not " + calibSize);
        }
        if (activationBits < 2 || activationBits > 8) {
            throw new UserException("--activation-bits must be between 2 and 8, not " + activationBits);
        }
        OptionRanges.imageSize(imageSize);
        new OutputPaths().input("the --activations model", activationsModel)
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .input("the calibration manifest (--calib)", DataOptions.manifestFile(calib));
    }

    /** The histograms of --activations, sampled on --calib-size images of --calib. */
    private Map<String, String> activationHistograms() {
        Model model = ModelIO.load(activationsModel);
        List<String> chosen = tensors.isEmpty() ? ActivationCharts.defaultTensors(AnalyzedModel.of(model, imageSize).structure())
                : tensors;
        chosen.forEach(t -> LevelComparison.check(model, t));
        DataOptions.Prepared set = CalibrationSample.choose(dataOptions, calib, null, calibSize, 0);
        DataOptions.checkFits(model, set.recipe());
        LoaderCalibrationInputs inputs = new LoaderCalibrationInputs(set.dataset(), set.recipe(),
                dataOptions.loaderOptions().withBatchSize(Math.min(8, dataOptions.batchSize)));
        System.err.printf("activation histograms: %d tensors of %s on %d images%n", chosen.size(),
                activationsModel.getFileName(), inputs.size());
        return ActivationCharts.build(new LevelComparison(runtime.toRunnerOptions()), model, chosen, activationBits, inputs,
                inputs.size());
    }

    /** Which images the points were evaluated on (from the run metrics), so readers know what top-1 means. */
    private static String evaluationNote(List<RunRecord> runs) {
        TreeSet<String> data = new TreeSet<>();
        TreeSet<String> images = new TreeSet<>();
        for (RunRecord r : runs) {
            if (r.metrics().get("data") != null) {
                data.add(r.metrics().get("data").toString());
            }
            if (r.metrics().get("images") instanceof Number n) {
                images.add(Long.toString(n.longValue()));
            }
        }
        return data.isEmpty() ? "" : "; evaluated on " + String.join(", ", data) + " (" + String.join("/", images) + " images)";
    }

    private static Map<String, String> provenance(List<RunRecord> runs) {
        Map<String, TreeSet<String>> values = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            r.versions().forEach((k, v) -> values.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
            r.machine().forEach((k, v) -> values.computeIfAbsent("machine " + k, x -> new TreeSet<>()).add(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, String.join(", ", v)));
        out.put("report written by", "vitshrink " + VersionProvider.version());
        return out;
    }
}
