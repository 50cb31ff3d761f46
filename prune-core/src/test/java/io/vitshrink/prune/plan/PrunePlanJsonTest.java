package io.vitshrink.prune.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitshrink.onnx.UserException;
import io.vitshrink.prune.weights.SparsityPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans survive JSON, and a damaged plan is a one-line user error naming the field. */
class PrunePlanJsonTest {
    private static final PrunePlan PLAN = new PrunePlan("block", "m.onnx", "abc", "0.1", Map.of("sparsity", 0.5, "score", "wanda"),
            List.of(new LayerMask("/blocks.0/mlp/fc1/MatMul", "w1", 8, 4, SparsityPattern.block(1, 4), 0.5, "BQ==")),
            List.of(new BlockCut(0, List.of(0, 2), null)), Map.of("w_bits", 8L));

    @Test
    void roundTrip() {
        PrunePlan back = PrunePlanJson.parse(PrunePlanJson.toJson(PLAN));
        assertEquals(PLAN.layers(), back.layers());
        assertEquals(PLAN.cuts(), back.cuts());
        assertEquals(0.5, back.settings().get("sparsity"));
        assertEquals(8L, back.quantization().get("w_bits"));
    }

    @Test
    void damagedPlansAreUserErrors() {
        String json = PrunePlanJson.toJson(PLAN);
        assertRefused(json.substring(0, json.length() / 2), "not valid JSON");
        assertRefused(json.replace("\"prune_plan_version\" : 1", "\"prune_plan_version\" : 7"), "prune_plan_version");
        assertRefused(json.replace("\"BQ==\"", "\"%%%\""), "bad mask");
        assertRefused(json.replace("\"BQ==\"", "\"//////8=\""), "bad mask"); // bits beyond the 8 blocks
        assertRefused(json.replace("\"1x4\"", "\"1y4\""), "pattern");
        assertRefused(json.replace("[ 0, 2 ]", "[ 2, 0 ]"), "ascending");
        assertRefused(json.replace("\"out\" : 8", "\"out\" : -8"), "'out'");
    }

    private static void assertRefused(String json, String fragment) {
        UserException e = assertThrows(UserException.class, () -> PrunePlanJson.parse(json));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
