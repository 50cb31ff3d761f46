package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.AnalyzedModel;
import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.io.ModelIO;
import io.vitshrink.workbench.output.JsonResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code eval}: runs {@code vitshrink eval} on the sweep's {@code eval} images — of the original model
 * (the float baseline point), or of the previous step's model against the original. A float baseline
 * also gets the model's cost ({@code macs}, {@code bops} at 32 bits, {@code size_bytes},
 * {@code weight_bytes} at 32 bits) so it sits on
 * the same chart axes as the compressed points.
 */
final class EvalStep implements StepKind {

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public Set<String> settings() {
        return Set.of("batch_size");
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        SweepData d = ctx.data();
        if (d.eval() == null) {
            throw new UserException("sweep: an eval step needs data.eval (evaluation images) in the sweep file");
        }
        return new CommandArgs("eval").path("--model", ctx.input()).add("--data", d.eval()).add("--limit", d.evalLimit())
                .add("--seed", d.evalSeed()).path("--reference", ctx.onOriginal() ? null : ctx.original())
                .path("--json", json(ctx)).add("--threads", ctx.threads()).flag("--quiet", true).data(d)
                .settings(settings).build();
    }

    @Override
    public void addFacts(StepContext ctx, JsonResult result) {
        if (!ctx.onOriginal()) {
            return; // the step that changed the model reported its cost
        }
        AnalyzedModel m = AnalyzedModel.of(ModelIO.load(ctx.input()), ctx.data().imageSize());
        try {
            result.put("size_bytes", Files.size(ctx.input()));
        } catch (IOException e) {
            throw new UserException("cannot read '" + ctx.input() + "': " + e.getMessage(), e);
        }
        result.put("macs", m.cost().macs()).put("weight_bytes", m.cost().bytesAtBits(32)).put("bops", m.cost().bops(32, 32)).put("float_bops", m.cost().bops(32, 32));
    }

    @Override
    public String method(Map<String, String> settings) {
        return null;
    }

    @Override
    public String label(Map<String, String> settings) {
        return "eval";
    }
}
