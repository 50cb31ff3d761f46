package io.vitshrink.workbench.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a command line: {@code snake_case} settings become {@code --kebab-case} options. */
final class CommandArgs {
    private final List<String> args = new ArrayList<>();

    CommandArgs(String command) {
        args.add(command);
    }

    CommandArgs add(String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
        return this;
    }

    CommandArgs flag(String option, boolean on) {
        if (on) {
            args.add(option);
        }
        return this;
    }

    CommandArgs path(String option, Path value) {
        return add(option, value == null ? null : value.toString());
    }

    /** Every setting not in {@code except} as {@code --option value}. */
    CommandArgs settings(Map<String, String> settings, String... except) {
        List<String> skip = List.of(except);
        settings.forEach((k, v) -> {
            if (!skip.contains(k)) {
                add("--" + k.replace('_', '-'), v);
            }
        });
        return this;
    }

    /** Data options shared by the commands that read images. */
    CommandArgs data(SweepData d) {
        add("--preset", d.preset());
        return flag("--no-cache", !d.cache());
    }

    List<String> build() {
        return List.copyOf(args);
    }
}
