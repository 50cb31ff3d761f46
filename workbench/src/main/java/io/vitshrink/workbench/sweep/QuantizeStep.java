package io.vitshrink.workbench.sweep;

import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quantize}: runs {@code vitshrink quantize} (calibrated on the sweep's {@code calib}, evaluated
 * against the float model on its {@code eval} when given). Shorthands: {@code bits: W6A6} for
 * {@code w_bits}/{@code a_bits}; {@code quantizer: adalog} for both {@code softmax_quantizer} and
 * {@code gelu_quantizer}. Every other setting is the quantize option of the same name.
 */
final class QuantizeStep implements StepKind {
    private static final Pattern BITS = Pattern.compile("(?i)W(\\d+)A(\\d+)");

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public Set<String> settings() {
        return Set.of("bits", "w_bits", "a_bits", "quantizer", "softmax_quantizer", "gelu_quantizer", "observer",
                "weight_range", "granularity", "group_size", "scheme", "reparam", "format", "matmulnbits", "weight_method",
                "uniform_search");
    }

    @Override
    public Map<String, String> canonical(Map<String, String> written) {
        Map<String, String> s = new TreeMap<>(written);
        String bits = s.remove("bits");
        if (bits != null) {
            Matcher m = BITS.matcher(bits.trim());
            if (!m.matches()) {
                throw new UserException("sweep: quantize bits '" + bits + "' is not of the form W8A8 (weight and activation bits)");
            }
            putOnce(s, "w_bits", m.group(1));
            putOnce(s, "a_bits", m.group(2));
        }
        String q = s.remove("quantizer");
        if (q != null) {
            putOnce(s, "softmax_quantizer", q);
            putOnce(s, "gelu_quantizer", q);
        }
        return s;
    }

    private static void putOnce(Map<String, String> s, String key, String value) {
        if (s.containsKey(key) && !s.get(key).equals(value)) {
            throw new UserException("sweep: quantize sets " + key + " twice (" + s.get(key) + " and, through a shorthand, "
                    + value + "); give one");
        }
        s.put(key, value);
    }

    @Override
    public List<String> arguments(StepContext ctx, Map<String, String> settings) {
        SweepData d = ctx.data();
        if (d.calib() == null) {
            throw new UserException("sweep: a quantize step needs data.calib (calibration images) in the sweep file");
        }
        CommandArgs a = new CommandArgs("quantize").path("--model", ctx.input()).add("--calib", d.calib())
                .add("--calib-size", d.calibSize()).add("--calib-seed", d.calibSeed())
                .add("--image-size", d.imageSize()).path("--out", output(ctx)).path("--json", json(ctx))
                .add("--threads", ctx.threads()).flag("--quiet", true).data(d);
        if (d.eval() != null) {
            a.add("--eval", d.eval()).add("--limit", d.evalLimit()).add("--seed", d.evalSeed())
                    .path("--reference", ctx.onOriginal() ? null : ctx.original()); // a chain is judged against the original
        }
        boolean nbits = "true".equalsIgnoreCase(settings.get("matmulnbits"));
        return a.flag("--matmulnbits", nbits).settings(settings, "matmulnbits").build();
    }

    /** {@code weight_bytes}: the parameters stored at the weight bits (a simulated export stores them as float). */
    @Override
    public void addFacts(StepContext ctx, io.vitshrink.workbench.output.JsonResult result) {
        if (result.get("w_bits") instanceof Number bits) {
            var cost = io.vitshrink.onnx.AnalyzedModel.of(io.vitshrink.onnx.io.ModelIO.load(ctx.input()), ctx.data().imageSize()).cost();
            result.put("weight_bytes", cost.bytesAtBits(bits.intValue()));
        }
    }

    @Override
    public Path output(StepContext ctx) {
        return ctx.file(name(), ".onnx");
    }

    @Override
    public String method(Map<String, String> s) {
        String softmax = s.getOrDefault("softmax_quantizer", "uniform");
        String gelu = s.getOrDefault("gelu_quantizer", "uniform");
        return "PTQ " + (softmax.equals(gelu) ? softmax : softmax + "/" + gelu);
    }

    @Override
    public String label(Map<String, String> s) {
        StringBuilder b = new StringBuilder("W" + s.getOrDefault("w_bits", "8") + "A" + s.getOrDefault("a_bits", "8"));
        String softmax = s.getOrDefault("softmax_quantizer", "uniform");
        String gelu = s.getOrDefault("gelu_quantizer", "uniform");
        b.append(' ').append(softmax.equals(gelu) ? softmax : softmax + "/" + gelu);
        s.forEach((k, v) -> {
            if (!Set.of("w_bits", "a_bits", "softmax_quantizer", "gelu_quantizer").contains(k)) {
                b.append(' ').append(k).append('=').append(v);
            }
        });
        return b.toString();
    }
}
