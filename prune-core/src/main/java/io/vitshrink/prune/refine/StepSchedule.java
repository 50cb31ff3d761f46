package io.vitshrink.prune.refine;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/**
 * How the Adam step size of a refinement changes over its steps. A constant step keeps moving the
 * parameters around the minimum by its own noise until the last step; a cosine decay to zero lets the
 * last steps settle (the schedule fine-tuning runs usually end with).
 */
public enum StepSchedule {
    /** The same step size at every step. */
    CONSTANT,
    /** ½·(1 + cos(π·(s − 1)/n)) times the step size at step s of n: the full size first, near zero last. */
    COSINE;

    /** The factor on the step size at step {@code step} (1-based) of {@code steps}. */
    public double factor(int step, int steps) {
        if (this == CONSTANT || steps <= 1) {
            return 1;
        }
        return 0.5 * (1 + Math.cos(Math.PI * (step - 1) / steps));
    }

    /** The name used on the command line and in plans. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepSchedule parse(String s) {
        for (StepSchedule v : values()) {
            if (v.key().equals(s)) {
                return v;
            }
        }
        throw new UserException("--refine-schedule '" + s + "' is not known: use constant or cosine");
    }
}
