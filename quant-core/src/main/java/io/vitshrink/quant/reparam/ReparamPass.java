package io.vitshrink.quant.reparam;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Graph;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.vit.LayerNorm;
import io.vitshrink.onnx.vit.VitStructure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The part both passes share: find eligible LayerNorms, let the method choose, apply. */
final class ReparamPass {

    /** What a method sees of one eligible LayerNorm. */
    record Target(LayerNorm norm, List<String> linears, List<LinearView> views, ChannelRange range) {
    }

    @FunctionalInterface
    interface Chooser {
        /** The reparameterization of one LayerNorm; throw {@link UserException} to skip it with that reason. */
        Reparameterization choose(Target target);
    }

    private ReparamPass() {
    }

    static ReparamResult run(Model model, VitStructure structure, Map<String, ChannelRange> stats, Chooser chooser) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(structure, "structure");
        Objects.requireNonNull(stats, "stats");
        Graph g = model.graph();
        Set<String> linearNames = Reparameterizations.linearNames(structure);
        List<Reparameterization> applied = new ArrayList<>();
        List<SkippedNorm> skipped = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LayerNorm ln : Reparameterizations.blockNorms(structure)) {
            String out = ln.output();
            if (!seen.add(out)) {
                continue;
            }
            ChannelRange range = stats.get(out);
            if (range == null) {
                skipped.add(new SkippedNorm(out, "no statistics for it"));
                continue;
            }
            int channels = range.channels();
            Reparameterizations.Readers readers = Reparameterizations.readers(g, out, channels, linearNames);
            if (readers.problem() != null) {
                skipped.add(new SkippedNorm(out, readers.problem()));
                continue;
            }
            try {
                NormAffine.locate(g, ln, channels);
                List<LinearView> views = new ArrayList<>();
                for (String name : readers.linears()) {
                    LinearView v = LinearView.of(g, Reparameterizations.uniqueNode(g, name));
                    if (v.in != channels) {
                        throw new UserException("Linear '" + name + "' has " + v.in + " input features but the statistics have "
                                + channels + " channels");
                    }
                    views.add(v);
                }
                applied.add(chooser.choose(new Target(ln, readers.linears(), List.copyOf(views), range)));
            } catch (UserException e) {
                skipped.add(new SkippedNorm(out, e.getMessage()));
            }
        }
        for (String key : stats.keySet()) {
            if (!seen.contains(key)) {
                skipped.add(new SkippedNorm(key, "not the output of a transformer block's LayerNorm"));
            }
        }
        return new ReparamResult(Reparameterizations.apply(model, structure, applied), applied, skipped);
    }
}
