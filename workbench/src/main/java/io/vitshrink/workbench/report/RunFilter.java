package io.vitshrink.workbench.report;

import io.vitshrink.onnx.UserException;
import io.vitshrink.workbench.store.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code --filter KEY=VALUE} / {@code KEY!=VALUE}, all of which must hold. KEY is a field of the run
 * ({@code model} — the file name, {@code method}, {@code label}, {@code status}, {@code command},
 * {@code sweep}) or a metric; numbers compare by value ({@code w_bits=4} matches 4 and 4.0).
 */
public final class RunFilter implements Predicate<RunRecord> {
    private record Clause(String key, String value, boolean equal) {
    }

    private final List<Clause> clauses;

    private RunFilter(List<Clause> clauses) {
        this.clauses = clauses;
    }

    public static RunFilter parse(List<String> filters) {
        List<Clause> out = new ArrayList<>();
        for (String f : filters) {
            int ne = f.indexOf("!=");
            int eq = f.indexOf('=');
            if (eq <= 0 || ne == 0) {
                throw new UserException("--filter '" + f + "' must be KEY=VALUE or KEY!=VALUE, e.g. method=PTQ adalog or w_bits=4");
            }
            boolean notEqual = ne > 0 && ne < eq;
            String key = f.substring(0, notEqual ? ne : eq).trim();
            String value = f.substring(eq + 1).trim();
            out.add(new Clause(key, value, !notEqual));
        }
        return new RunFilter(List.copyOf(out));
    }

    @Override
    public boolean test(RunRecord r) {
        for (Clause c : clauses) {
            if (matches(value(r, c.key()), c.value()) != c.equal()) {
                return false;
            }
        }
        return true;
    }

    static Object value(RunRecord r, String key) {
        return switch (key) {
            case "model" -> java.nio.file.Path.of(r.modelPath()).getFileName().toString();
            case "method" -> r.method();
            case "label" -> r.label();
            case "status" -> r.status().dbName();
            case "command" -> r.command();
            case "sweep" -> r.sweep();
            default -> r.metrics().get(key);
        };
    }

    private static boolean matches(Object actual, String wanted) {
        if (actual == null) {
            return wanted.isEmpty() || wanted.equals("null");
        }
        if (actual instanceof Number n) {
            try {
                return n.doubleValue() == Double.parseDouble(wanted);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return actual.toString().equals(wanted);
    }
}
