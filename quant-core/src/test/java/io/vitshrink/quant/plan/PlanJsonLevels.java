package io.vitshrink.quant.plan;

/** Test access to the plan's level encoding. */
final class PlanJsonLevels {
    private PlanJsonLevels() {
    }

    static String encode(int[] levels) {
        return LevelCodec.encode(levels);
    }
}
