package io.vitshrink.quant.observers;

import io.vitshrink.onnx.UserException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The activation observers by the names used in plans and on the command line. */
public enum ObserverKind {
    MINMAX("minmax"),
    MOVING_AVERAGE_MINMAX("moving_average"),
    PERCENTILE("percentile"),
    ENTROPY("entropy"),
    MSE("mse");

    private final String key;

    ObserverKind(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** A new observer of this kind, with default settings, for the named tensor. */
    public ActivationObserver create(String tensorName) {
        return switch (this) {
            case MINMAX -> new MinMaxObserver(tensorName);
            case MOVING_AVERAGE_MINMAX -> new MovingAverageMinMaxObserver(tensorName);
            case PERCENTILE -> new PercentileObserver(tensorName);
            case ENTROPY -> new EntropyObserver(tensorName);
            case MSE -> new MseObserver(tensorName);
        };
    }

    /** Parses a key ({@code minmax}, {@code moving_average}, …); case and '-' vs '_' do not matter. */
    public static ObserverKind parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ObserverKind o : values()) {
            if (o.key.equals(k)) {
                return o;
            }
        }
        throw new UserException("unknown observer '" + s + "': use one of "
                + Arrays.stream(values()).map(ObserverKind::key).collect(Collectors.joining(", ")));
    }
}
