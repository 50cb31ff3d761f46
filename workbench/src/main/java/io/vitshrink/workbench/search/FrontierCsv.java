package io.vitshrink.workbench.search;

import io.vitshrink.quant.mixed.Measures;
import java.util.List;
import java.util.Locale;

/**
 * The measured frontier as CSV: one row per plan, predicted and measured damage side by side;
 * {@code quantizers} names the post-Softmax / post-GELU quantizers, {@code reference} marks the uniform
 * plans of {@code --uniform-reference}.
 */
public final class FrontierCsv {

    private FrontierCsv() {
    }

    /**
     * @param tableQuantizers the quantizers the sensitivity table was measured with: the additive estimate
     *     of a plan with other quantizers (a uniform-quantizer reference) is left empty
     */
    public static String of(List<EvaluatedPoint> points, String chosenId, String tableQuantizers) {
        StringBuilder sb = new StringBuilder("plan,allocator,quantizers,requested,reference,budget,avg_w_bits,avg_a_bits,size_bytes,bops,"
                + "predicted_kl,heldout_agreement,heldout_kl,eval_top1,eval_top1_drop,eval_agreement,eval_kl,chosen\n");
        for (EvaluatedPoint p : points) {
            Measures m = p.point().allocation().measures();
            sb.append(p.id()).append(',').append(p.point().allocator()).append(',').append(p.quantizers()).append(',')
                    .append(p.requested()).append(',').append(p.reference()).append(',')
                    .append('"').append(p.point().budget()).append('"').append(',')
                    .append(f("%.4f", m.avgWeightBits())).append(',').append(f("%.4f", m.avgActivationBits())).append(',')
                    .append(m.sizeBytes()).append(',').append(m.bops()).append(',')
                    .append(p.quantizers().equals(tableQuantizers) ? f("%.6g", p.point().allocation().predictedDamage()) : "")
                    .append(',')
                    .append(f("%.4f", p.heldOut().agreement())).append(',').append(f("%.6g", p.heldOut().kl())).append(',');
            Score e = p.eval();
            if (e == null) {
                sb.append(",,,,");
            } else {
                sb.append(e.labeled() ? f("%.4f", e.top1()) : "").append(',')
                        .append(e.labeled() ? f("%.4f", e.referenceTop1() - e.top1()) : "").append(',')
                        .append(f("%.4f", e.agreement())).append(',').append(f("%.6g", e.kl())).append(',');
            }
            sb.append(p.id().equals(chosenId)).append('\n');
        }
        return sb.toString();
    }

    private static String f(String format, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }
}
