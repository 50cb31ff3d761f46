package io.vitshrink.data.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitshrink.data.StructuredFiles;
import io.vitshrink.data.preprocess.PreprocessRecipe;
import io.vitshrink.data.preprocess.RecipeReader;
import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads dataset manifests (JSON or YAML). Fields: {@code folder} (required), {@code labels},
 * {@code synsets}, {@code layout} ({@code auto}, {@code wnid-prefixed}, {@code labels-file},
 * {@code class-folders}, {@code unlabeled}), {@code preset} (a preset name or an inline recipe, see
 * {@link RecipeReader}), {@code name}, {@code description}. Relative paths resolve against the folder
 * holding the manifest, so a manifest can travel with its data; {@code ~/} means the home folder.
 * <pre>
 * name: my-val
 * folder: images
 * labels: labels.txt
 * synsets: ../synsets-imagenet1k.txt
 * preset: imagenet-deit
 * </pre>
 */
public final class ManifestReader {
    private static final Set<String> FIELDS = Set.of("name", "description", "folder", "labels", "synsets", "layout",
            "preset");

    private ManifestReader() {
    }

    /** Reads a manifest file; relative paths resolve against its folder. */
    public static DatasetManifest read(Path file) {
        Path base = file.toAbsolutePath().normalize().getParent();
        return fromNode(StructuredFiles.read(file), file.toString(), base, defaultName(file));
    }

    /**
     * Parses manifest text.
     *
     * @param where   names the source in errors; its extension picks JSON or YAML
     * @param baseDir folder that relative paths resolve against
     */
    public static DatasetManifest parse(String text, String where, Path baseDir) {
        return fromNode(StructuredFiles.parse(text, where), where, baseDir, defaultName(Path.of(where)));
    }

    private static DatasetManifest fromNode(JsonNode node, String where, Path baseDir, String defaultName) {
        StructuredFiles.requireKeys(node, FIELDS, where);
        String folder = StructuredFiles.textField(node, "folder", null, where);
        if (folder == null || folder.isBlank()) {
            throw new UserException(where + ": field 'folder' is missing");
        }
        DatasetLayout layout;
        try {
            layout = DatasetLayout.parse(StructuredFiles.textField(node, "layout", null, where));
        } catch (UserException e) {
            throw new UserException(where + ": field 'layout': " + e.getMessage(), e);
        }
        PreprocessRecipe recipe = node.hasNonNull("preset")
                ? RecipeReader.fromNode(node.get("preset"), where + " (field 'preset')") : null;
        return new DatasetManifest(
                StructuredFiles.textField(node, "name", defaultName, where),
                StructuredFiles.textField(node, "description", "", where),
                resolve(baseDir, folder),
                optionalPath(node, "labels", baseDir, where),
                optionalPath(node, "synsets", baseDir, where),
                layout,
                recipe);
    }

    private static Path optionalPath(JsonNode node, String field, Path baseDir, String where) {
        String v = StructuredFiles.textField(node, field, null, where);
        return v == null || v.isBlank() ? null : resolve(baseDir, v);
    }

    private static Path resolve(Path baseDir, String path) {
        String p = path.strip();
        if (p.equals("~") || p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), p.substring(1).replaceFirst("^/", "")).normalize();
        }
        return baseDir.resolve(p).normalize();
    }

    private static String defaultName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "dataset" : name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
