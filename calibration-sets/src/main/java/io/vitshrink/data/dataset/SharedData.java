package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shared data folder (real models and datasets kept next to the repository, never inside it) and
 * the manifests for its datasets that ship with this module, addressed as {@code shared:<name>}.
 *
 * <p>The folder is the first existing one of: system property {@value #PROPERTY}, environment variable
 * {@value #ENV}, {@code ../shared} relative to the working directory. The bundled manifests' relative
 * paths resolve against it.
 */
public final class SharedData {
    /** System property naming the shared folder (Maven's surefire sets it for tests). */
    public static final String PROPERTY = "vitshrink.shared";
    /** Environment variable naming the shared folder. */
    public static final String ENV = "VITSHRINK_SHARED";
    /** The {@code --data} prefix for bundled manifests. */
    public static final String PREFIX = "shared:";

    private static final List<String> DATASETS = List.of("imagenet-sample-1k", "imagenet-val-1300");
    private static final String MANIFEST_RESOURCES = "/io/vitshrink/data/manifests/";

    private SharedData() {
    }

    /** Names usable after {@code shared:}. */
    public static List<String> datasetNames() {
        return DATASETS;
    }

    /** The shared folder, or an error listing every place looked at. */
    public static Path locate() {
        return locate(System.getProperty(PROPERTY), System.getenv(ENV), Path.of(""));
    }

    /** The shared folder if one of the usual places has it. */
    public static Optional<Path> find() {
        return candidates(System.getProperty(PROPERTY), System.getenv(ENV), Path.of(""))
                .stream().filter(Files::isDirectory).findFirst();
    }

    static Path locate(String property, String env, Path workingDir) {
        List<Path> looked = candidates(property, env, workingDir);
        for (Path p : looked) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        List<String> places = new ArrayList<>();
        places.add("-D" + PROPERTY + (property == null ? " (not set)" : "=" + property));
        places.add("$" + ENV + (env == null ? " (not set)" : "=" + env));
        places.add(workingDir.resolve("../shared").toAbsolutePath().normalize().toString());
        throw new UserException("shared data folder not found; looked at " + String.join(", ", places)
                + ". Set " + ENV + " to the folder that holds datasets/");
    }

    private static List<Path> candidates(String property, String env, Path workingDir) {
        List<Path> out = new ArrayList<>();
        if (property != null && !property.isBlank()) {
            out.add(Path.of(property).toAbsolutePath().normalize());
        }
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env).toAbsolutePath().normalize());
        }
        out.add(workingDir.resolve("../shared").toAbsolutePath().normalize());
        return out;
    }

    /** The bundled manifest {@code name}, with paths resolved against {@code sharedFolder}. */
    public static DatasetManifest manifest(String name, Path sharedFolder) {
        if (!DATASETS.contains(name)) {
            throw new UserException("unknown shared dataset '" + name + "': known are "
                    + String.join(", ", DATASETS.stream().map(n -> PREFIX + n).toList()));
        }
        String resource = MANIFEST_RESOURCES + name + ".yaml";
        try (InputStream in = SharedData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled manifest missing from the jar: " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ManifestReader.parse(text, PREFIX + name + ".yaml", sharedFolder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled manifest " + resource, e);
        }
    }

    /** The bundled manifest {@code name}, resolved against the located shared folder. */
    public static DatasetManifest manifest(String name) {
        return manifest(name, locate());
    }
}
