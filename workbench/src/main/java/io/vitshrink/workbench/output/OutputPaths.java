package io.vitshrink.workbench.output;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks, before a command does any work, that the files it will write can be written and do not
 * replace one of its inputs: an output that is a folder, that sits under a regular file, that is the
 * input model (or plan, scheme, recipe, manifest) or that two options both name is refused with one
 * line naming the option. Without it such a mistake would surface only after a long calibration, or
 * — for {@code --json} and {@code --plan} — silently overwrite the input.
 *
 * <pre>
 * new OutputPaths().input("the input model", model).output("--out", out).output("--json", json);
 * </pre>
 */
public final class OutputPaths {
    private final Map<Path, String> inputs = new LinkedHashMap<>();
    private final Map<Path, String> outputs = new LinkedHashMap<>();

    /** Registers a file the command reads ({@code what} names it in errors); null is ignored. */
    public OutputPaths input(String what, Path file) {
        if (file != null && !file.toString().isBlank()) {
            inputs.putIfAbsent(normalized(file), what);
        }
        return this;
    }

    /**
     * Checks a file the command will write (null: the option was not given).
     *
     * @throws UserException naming {@code option} when the file cannot or must not be written
     */
    public OutputPaths output(String option, Path file) {
        if (file == null) {
            return this;
        }
        if (file.toString().isBlank()) {
            throw new UserException(option + " is empty; give the path of the file to write");
        }
        String named = option + " '" + file + "'";
        if (Files.isDirectory(file)) {
            throw new UserException(named + " is a folder; give a file path (e.g. " + file.resolve("result") + ")");
        }
        Path target = normalized(file);
        for (Path dir = target.getParent(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new UserException(named + " cannot be written: '" + dir + "' is a file, not a folder");
                }
                if (!Files.isWritable(dir)) {
                    throw new UserException(named + " cannot be written: no permission to write in '" + dir + "'");
                }
                break;
            }
        }
        String input = sameAs(target, inputs);
        if (input != null) {
            throw new UserException(named + " is " + input + "; vitshrink never overwrites its inputs, choose another path");
        }
        String other = sameAs(target, outputs);
        if (other != null) {
            throw new UserException(named + " is also the " + other + " file; give each output its own path");
        }
        outputs.put(target, option);
        return this;
    }

    private static String sameAs(Path target, Map<Path, String> files) {
        String found = files.get(target);
        if (found != null || !Files.exists(target)) {
            return found;
        }
        for (Map.Entry<Path, String> e : files.entrySet()) {
            try {
                if (Files.exists(e.getKey()) && Files.isSameFile(target, e.getKey())) {
                    return e.getValue(); // a hard or symbolic link to the same file
                }
            } catch (IOException ignored) {
                // cannot tell: the path comparison above stands
            }
        }
        return null;
    }

    private static Path normalized(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
