package io.vitshrink.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Report rows shaped like a DeiT-Tiny quantization sweep (made up numbers), for report tests. */
final class SampleRows {

    private SampleRows() {
    }

    static List<ResultRow> deitLike() {
        List<ResultRow> rows = new ArrayList<>();
        double macs = 1.254e9;
        rows.add(new ResultRow("k0", "deit.onnx", "float", "float", true, null, Map.of("top1", 0.79, "macs", macs,
                "bops", macs * 1024, "weight_bytes", 22.9e6, "latency_ratio_b1", 1.0, "images", 200)));
        int i = 1;
        for (String q : new String[] {"uniform", "adalog"}) {
            for (int bits : new int[] {8, 6, 4}) {
                double top1 = q.equals("uniform") ? (bits == 8 ? 0.79 : bits == 6 ? 0.78 : 0.05) : (bits == 8 ? 0.79 : bits == 6 ? 0.80 : 0.62);
                rows.add(new ResultRow("k" + i++, "deit.onnx", "PTQ " + q, "W" + bits + "A" + bits + " " + q, true, null,
                        Map.of("top1", top1, "top1_drop", 0.79 - top1, "agreement_top1", top1 + 0.1, "macs", macs,
                                "bops", macs * bits * bits, "weight_bytes", 22.9e6 * bits / 32, "latency_ratio_b1", 1.2 + bits / 10.0,
                                "images", 200)));
            }
        }
        rows.add(new ResultRow("kx", "deit.onnx", "PTQ twin", "W2A2 twin <b>", false, "quantize: bits <2> refused", Map.of()));
        return rows;
    }
}
