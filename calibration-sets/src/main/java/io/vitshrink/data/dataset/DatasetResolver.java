package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the command line's {@code --data} value into a dataset: {@code shared:<name>} for a bundled
 * manifest, a {@code .json}/{@code .yaml}/{@code .yml} manifest file, or a folder (layout detected).
 */
public final class DatasetResolver {
    private DatasetResolver() {
    }

    /** Resolves {@code data}, detecting everything a folder does not say. */
    public static ResolvedDataset resolve(String data) {
        return resolve(data, DatasetOptions.AUTO);
    }

    /**
     * Resolves {@code data}; {@code folderOptions} (layout, labels, synsets, name from the command line)
     * apply when {@code data} is a folder, and are refused with a manifest, which already says them.
     */
    public static ResolvedDataset resolve(String data, DatasetOptions folderOptions) {
        if (data == null || data.isBlank()) {
            throw new UserException("no dataset given: pass a folder, a manifest (.json/.yaml) or shared:<name>");
        }
        boolean hasOptions = !DatasetOptions.AUTO.equals(folderOptions);
        if (data.startsWith(SharedData.PREFIX)) {
            refuseOptions(hasOptions, data);
            DatasetManifest m = SharedData.manifest(data.substring(SharedData.PREFIX.length()).trim());
            return new ResolvedDataset(open(m, data), m.preprocessing(), data);
        }
        Path path = Path.of(data);
        if (!Files.exists(path)) {
            throw new UserException("dataset path does not exist: " + path.toAbsolutePath().normalize());
        }
        if (Files.isDirectory(path)) {
            return new ResolvedDataset(FolderReader.read(path, folderOptions), Optional.empty(), data);
        }
        String lower = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            refuseOptions(hasOptions, data);
            DatasetManifest m = ManifestReader.read(path);
            return new ResolvedDataset(open(m, data), m.preprocessing(), data);
        }
        throw new UserException(data + " is neither a folder nor a dataset manifest (.json, .yaml, .yml)");
    }

    /** Opens a manifest's dataset; a path that leads nowhere is reported with the manifest and the field naming it. */
    private static ImageDataset open(DatasetManifest m, String where) {
        requirePath(where, "folder", m.folder(), true);
        requirePath(where, "labels", m.labels(), false);
        requirePath(where, "synsets", m.synsets(), false);
        return m.open();
    }

    private static void requirePath(String where, String field, Path path, boolean folder) {
        if (path == null) {
            return;
        }
        if (!Files.exists(path)) {
            throw new UserException(where + ": field '" + field + "': " + path + " does not exist");
        }
        if (folder != Files.isDirectory(path)) {
            throw new UserException(where + ": field '" + field + "': " + path + " is "
                    + (folder ? "not a folder" : "a folder, not a file"));
        }
    }

    private static void refuseOptions(boolean hasOptions, String data) {
        if (hasOptions) {
            throw new UserException(data + " is a manifest, which sets layout, labels and synsets itself; "
                    + "drop the extra dataset options or edit the manifest");
        }
    }
}
