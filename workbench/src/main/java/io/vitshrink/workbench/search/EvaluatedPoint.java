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
 * @param heldOut score on the held-out calibration images
 * @param eval score on the evaluation set, or null when not evaluated there
 */
public record EvaluatedPoint(String id, FrontierPoint point, QuantPlan plan, boolean requested, Score heldOut, Score eval) {

    public EvaluatedPoint withEval(Score s) {
        return new EvaluatedPoint(id, point, plan, requested, heldOut, s);
    }
}
