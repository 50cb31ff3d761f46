package io.vitshrink.onnx.runtime;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.Model;
import io.vitshrink.onnx.model.ValueInfo;
import java.util.Collection;
import java.util.Set;

/**
 * Makes intermediate values readable: returns a copy of a model in which the named values are also
 * graph outputs. ONNX Runtime infers their types, so nothing but the name is declared.
 */
public final class ExposedOutputs {

    private ExposedOutputs() {
    }

    public static Model expose(Model model, Collection<String> valueNames) {
        Model copy = model.copy();
        Set<String> known = copy.graph().valueNames();
        for (String name : valueNames) {
            if (!known.contains(name)) {
                throw new UserException("the model has no value named '" + name + "'");
            }
            if (copy.graph().isInitializer(name)) {
                continue; // a constant is read from the model, not from a run
            }
            copy.graph().addOutput(ValueInfo.untyped(name));
        }
        return copy;
    }
}
