package io.vitshrink.workbench.cli;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.cost.CostModel;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.runtime.Runner;
import io.vitshrink.onnx.shape.ShapeProbe;
import io.vitshrink.onnx.shape.ValueShapes;
import io.vitshrink.prune.tokens.TokenCounts;
import io.vitshrink.prune.tokens.TokenMethod;
import io.vitshrink.prune.tokens.TokenPlan;
import io.vitshrink.prune.tokens.TokenReduction;
import io.vitshrink.prune.tokens.schedule.ScheduleSearch;
import io.vitshrink.prune.tokens.schedule.TokenCostEstimate;
import io.vitshrink.workbench.eval.EvalResult;
import io.vitshrink.workbench.eval.Evaluator;
import io.vitshrink.workbench.output.JsonResult;
import io.vitshrink.workbench.output.OutputPaths;
import io.vitshrink.workbench.quantize.FileHash;
import io.vitshrink.workbench.tokens.CalibrationFidelity;
import io.vitshrink.workbench.tokens.TokenBench;
import io.vitshrink.workbench.tokens.TokenPlanJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vitshrink tokens}: token pruning/merging written into the ONNX graph. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Reduce the tokens a ViT processes (EViT attentive-token keeping, ToMe merging or semantic tokens) by rewriting "
                + "the ONNX graph; give the schedule (--keep/--at, --r) or a MACs target (--target-macs) searched on --calib.")
public final class TokensCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M", description = "float ONNX model (plain ViT with a class token)")
    Path model;

    @Option(names = "--method", defaultValue = "evit", description = "evit, tome or semantic (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--keep", paramLabel = "F",
            description = "evit: share of the image tokens kept at each --at block (e.g. 0.7)")
    Double keep;

    @Option(names = "--at", split = ",", paramLabel = "B[,B…]",
            description = "blocks (from 0) after whose attention tokens are reduced; evit default 3,6,9 (EViT's 4th/7th/10th "
                    + "layers), tome default: every block, semantic: one block (default 3)")
    List<Integer> at;

    @Option(names = "--r", paramLabel = "N", description = "tome: token pairs merged at each --at block")
    Integer r;

    @Option(names = "--k", paramLabel = "N", description = "semantic: semantic tokens made at the (one) --at block")
    Integer k;

    @Option(names = "--target-macs", paramLabel = "F",
            description = "search the schedule on --calib to keep this share of the MACs (e.g. 0.7)")
    Double targetMacs;

    @Option(names = "--from-plan", paramLabel = "PLAN", description = "rebuild from a token plan file")
    Path fromPlan;

    @Mixin
    CalibrationOptions calibOptions;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "reduced ONNX model to write")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "token plan file to write (default: OUT with .tokens.json)")
    Path planFile;

    @Option(names = "--eval", paramLabel = "DIR", description = "evaluate the reduced and the float model on these images")
    String eval;

    @Option(names = "--bench", description = "also time the reduced model against the float model (interleaved, one run)")
    boolean bench;

    @Option(names = "--bench-batch", split = ",", defaultValue = "1,8", paramLabel = "B[,B…]",
            description = "batch sizes for --bench (default: ${DEFAULT-VALUE})")
    List<Integer> benchBatches;

    @Option(names = "--bench-runs", defaultValue = "30", description = "timed runs per batch for --bench (default: ${DEFAULT-VALUE})")
    int benchRuns;

    @Option(names = "--image-size", defaultValue = "224", description = "image size for symbolic input sizes")
    int imageSize;

    @Mixin
    OutputOptions output;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    RunRecorder recorder;

    @Override
    public Integer call() throws Exception {
        TokenMethod m = TokenMethod.parse(method);
        checkOptions(m);
        OptionRanges.imageSize(imageSize);
        Path plan = planFile != null ? planFile
                : out.resolveSibling(out.getFileName().toString().replaceFirst("\\.onnx$", "") + ".tokens.json");
        new OutputPaths().input("the input model (--model)", model).input("the input plan (--from-plan)", fromPlan)
                .input("the preprocessing recipe (--preset)", dataOptions.presetFile())
                .input("the calibration manifest (--calib)", calibOptions.manifest())
                .input("the evaluation manifest (--eval)", DataOptions.manifestFile(eval))
                .output("--out", out)
                .output(planFile != null ? "--plan" : "the plan file (--out with .tokens.json; choose it with --plan)", plan)
                .output("--json", output.json).output("--db", recorder.db);
        Model floatModel = ModelIO.load(model);
        AnalyzedModel analyzed = AnalyzedModel.of(floatModel, imageSize);
        TokenCostEstimate estimate = new TokenCostEstimate(analyzed);
        ScheduleSearch search = new ScheduleSearch(estimate);
        DataOptions.Prepared evalSet = eval == null ? null : dataOptions.prepare(eval);
        JsonResult result = new JsonResult().put("model", model.getFileName().toString()).put("out", out.getFileName().toString())
                .put("method", m.id());
        TokenPlan tokenPlan;
        if (fromPlan != null) {
            tokenPlan = TokenPlanJson.read(fromPlan);
        } else if (targetMacs != null) {
            tokenPlan = searched(m, analyzed, search, evalSet, result);
        } else if (m == TokenMethod.SEMANTIC) {
            if (at != null && at.size() != 1) {
                throw new UserException("semantic tokens are made at one block: give one --at value, not " + at);
            }
            tokenPlan = search.semanticPlan(at == null ? 3 : at.get(0), k);
        } else if (m == TokenMethod.EVIT) {
            tokenPlan = search.evitPlan(at == null ? List.of(3, 6, 9) : at, keep);
        } else {
            tokenPlan = at == null ? search.tomePlan(0, r) : new TokenPlan(m, at.stream()
                    .map(b -> new io.vitshrink.prune.tokens.TokenSite(b, r)).toList());
        }
        Model reduced = TokenReduction.apply(analyzed, tokenPlan);
        ValueShapes shapes = new ShapeProbe(imageSize).probe(reduced);
        long macs = CostModel.of(reduced, shapes).macs();
        int[] tokensPerBlock = TokenCounts.perBlock(analyzed.structure(), shapes);
        result.put("plan_sites", tokenPlan.describe())
                .put("macs", macs).put("float_macs", analyzed.cost().macs())
                .put("macs_ratio", (double) macs / analyzed.cost().macs())
                .put("estimated_macs_ratio", estimate.ratio(tokenPlan))
                .put("tokens_per_block", tokensPerBlock);
        if (evalSet != null) {
            DataOptions.checkFits(floatModel, evalSet.recipe());
            try (Runner q = Runner.open(reduced, runtime.toRunnerOptions()); Runner f = Runner.open(floatModel, runtime.toRunnerOptions())) {
                EvalResult e = Evaluator.run(q, f, evalSet.dataset(), evalSet.recipe(), dataOptions.loaderOptions(), output.quiet);
                result.putAll(e.json()).put("data", evalSet.source());
            }
        }
        if (bench) {
            result.putAll(TokenBench.measure(reduced, floatModel, benchBatches, benchRuns, imageSize, runtime.toRunnerOptions(),
                    output.quiet));
        }
        boolean planExisted = Files.exists(plan);
        TokenPlanJson.write(tokenPlan, model.getFileName().toString(), FileHash.sha256(model), plan);
        try {
            ModelIO.save(reduced, out);
        } catch (RuntimeException e) {
            if (!planExisted) {
                Files.deleteIfExists(plan);
            }
            throw e;
        }
        result.put("plan", plan.getFileName().toString());
        print(result);
        result.writeTo(output.json);
        recorder.record(model, result, Map.of("tokens.json", plan));
        return 0;
    }

    private void checkOptions(TokenMethod m) {
        int ways = (fromPlan != null ? 1 : 0) + (targetMacs != null ? 1 : 0) + (keep != null || r != null || k != null ? 1 : 0);
        if (ways != 1) {
            throw new UserException("tokens needs exactly one of: --target-macs F (searched), " + switch (m) {
                case EVIT -> "--keep F [--at B,…]";
                case TOME -> "--r N [--at B,…]";
                case SEMANTIC -> "--k N [--at B]";
            } + ", or --from-plan PLAN");
        }
        if (k != null && (m != TokenMethod.SEMANTIC || k < 1)) {
            throw new UserException(m == TokenMethod.SEMANTIC ? "--k must be at least 1, not " + k : "--k is for --method semantic");
        }
        if (keep != null && (m != TokenMethod.EVIT || !(keep > 0 && keep < 1))) {
            throw new UserException(m == TokenMethod.EVIT ? "--keep must be between 0 and 1 (the share of image tokens kept), not " + keep
                    : "--keep is for --method evit; tome takes --r, semantic --k");
        }
        if (r != null && (m != TokenMethod.TOME || r < 1)) {
            throw new UserException(m == TokenMethod.TOME ? "--r must be at least 1, not " + r : "--r is for --method tome; evit takes --keep, semantic --k");
        }
        if (targetMacs != null && !calibOptions.given()) {
            throw new UserException("--target-macs needs --calib DIR: the schedule is chosen by agreement on calibration images");
        }
        if (at != null && at.stream().anyMatch(b -> b < 0)) {
            throw new UserException("--at blocks count from 0, not " + at);
        }
        calibOptions.checkSize();
        if (bench && (benchRuns < 1 || benchBatches.stream().anyMatch(b -> b < 1 || b > 4096))) {
            throw new UserException("--bench-runs must be ≥ 1 and --bench-batch sizes between 1 and 4096");
        }
    }

    private TokenPlan searched(TokenMethod m, AnalyzedModel analyzed, ScheduleSearch search, DataOptions.Prepared evalSet,
            JsonResult result) {
        DataOptions.Prepared calibSet = calibOptions.sample(dataOptions, evalSet);
        DataOptions.checkFits(analyzed.model(), calibSet.recipe());
        long t0 = System.nanoTime();
        CalibrationFidelity fidelity = new CalibrationFidelity(analyzed.model(), calibSet.dataset(), calibSet.recipe(),
                dataOptions.loaderOptions().withBatchSize(Math.min(32, dataOptions.batchSize)), runtime.toRunnerOptions());
        ScheduleSearch.Result found = search.search(m, targetMacs, p -> fidelity.score(TokenReduction.apply(analyzed, p)), s -> {
            if (!output.quiet) {
                System.err.printf("search: %-40s est. MACs %.3f  calib agreement %.4f  KL %.4f%n", s.plan().describe(),
                        s.estimatedRatio(), s.fidelity().agreement(), s.fidelity().kl());
            }
        });
        result.put("target_macs", targetMacs).put("calib_images", fidelity.images())
                .put("search_candidates", found.tried().size())
                .put("search_agreement", found.best().fidelity().agreement())
                .put("search_kl", found.best().fidelity().kl())
                .put("search_seconds", (System.nanoTime() - t0) / 1e9);
        return found.best().plan();
    }

    private static void print(JsonResult r) {
        System.out.printf("reduced     %s: %s%n", r.get("out"), r.get("plan_sites"));
        System.out.printf("MACs        %,d (%.1f%% of float %,d)%n", (Long) r.get("macs"), 100 * (Double) r.get("macs_ratio"),
                (Long) r.get("float_macs"));
        System.out.printf("tokens      %s per block%n", Arrays.toString((int[]) r.get("tokens_per_block")));
        if (r.get("search_agreement") != null) {
            System.out.printf("search      %s candidates on %s calibration images; agreement %.4f%n", r.get("search_candidates"),
                    r.get("calib_images"), (Double) r.get("search_agreement"));
        }
        if (r.get("top1") != null) {
            System.out.printf("top-1       %.4f (float %.4f, drop %.2f points)%n", (Double) r.get("top1"),
                    (Double) r.get("reference_top1"), 100 * (Double) r.get("top1_drop"));
            System.out.printf("agreement   %.4f with float; KL %.5f%n", (Double) r.get("agreement_top1"), (Double) r.get("kl"));
        }
        for (String k : r.values().keySet()) {
            if (k.startsWith("latency_ratio_b")) {
                System.out.printf("latency     batch %s: %.3f of float (%.2fx faster)%n", k.substring("latency_ratio_b".length()),
                        (Double) r.get(k), 1 / (Double) r.get(k));
            }
        }
        System.out.printf("plan        %s%n", r.get("plan"));
    }
}
