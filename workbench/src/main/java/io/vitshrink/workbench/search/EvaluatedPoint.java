package io.vitshrink.workbench.search;

import io.vitshrink.quant.mixed.FrontierPoint;
import io.vitshrink.quant.plan.QuantPlan;

/**
 * A frontier plan with what was measured of it.
 *
 * @param id short name ({@code 03-dp}), also the plan file's stem
 * @param point the allocation
 * @param plan the replayable plan
 * @param requested allocated for the requested budget (a candidate for the chosen plan)
 * @param reference a uniform plan asked for with {@code --uniform-reference}: measured for comparison,
 *     never chosen
 * @param quantizers the post-Softmax / post-GELU quantizer kinds of the plan, e.g. {@code adalog/adalog}
 * @param heldOut score on the held-out calibration images
 * @param eval score on the evaluation set, or null when not evaluated there
 */
public record EvaluatedPoint(String id, FrontierPoint point, QuantPlan plan, boolean requested, boolean reference,
        String quantizers, Score heldOut, Score eval) {

    public EvaluatedPoint withEval(Score s) {
        return new EvaluatedPoint(id, point, plan, requested, reference, quantizers, heldOut, s);
    }

    /** Whether the allocator made it (not a uniform plan). */
    public boolean mixed() {
        return !point.allocator().equals("uniform");
    }
}
