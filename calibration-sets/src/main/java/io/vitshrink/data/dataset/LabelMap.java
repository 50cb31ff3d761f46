package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The classes of a model in output order, read from a synset file: one {@code <wnid> <names>} line
 * per class ({@code n01440764 tench, Tinca tinca}), line order = class index. For ImageNet-1k that
 * order is the sorted wnid list every torchvision/timm model uses.
 */
public final class LabelMap {
    private final Path source;
    private final List<String> wnids;
    private final List<String> names;
    private final Map<String, Integer> indexByWnid;

    private LabelMap(Path source, List<String> wnids, List<String> names) {
        this.source = source;
        this.wnids = List.copyOf(wnids);
        this.names = List.copyOf(names);
        this.indexByWnid = new HashMap<>(wnids.size() * 2);
        for (int i = 0; i < wnids.size(); i++) {
            indexByWnid.put(wnids.get(i), i);
        }
    }

    /** Reads a synset file; blank lines and {@code #} comments are skipped, duplicate ids are an error. */
    public static LabelMap read(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UserException("synset file " + file + " is " + (Files.isDirectory(file) ? "a folder"
                    : "not a regular file") + "; give a text file of '<wnid> <names>' lines");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("synset file not found: " + file);
        } catch (IOException e) {
            throw new UserException("cannot read synset file " + file + ": " + e.getMessage());
        }
        List<String> wnids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            Integer previous = firstLine.putIfAbsent(parts[0], i + 1);
            if (previous != null) {
                throw new UserException(file.getFileName() + " line " + (i + 1) + ": class id '" + parts[0]
                        + "' already appears on line " + previous);
            }
            wnids.add(parts[0]);
            names.add(parts.length > 1 ? parts[1].strip() : parts[0]);
        }
        if (wnids.isEmpty()) {
            throw new UserException("synset file " + file + " lists no classes");
        }
        return new LabelMap(file, wnids, names);
    }

    /** A map from ids in the given order, with the ids as names (for folders without a synset file). */
    public static LabelMap ofIds(List<String> ids) {
        return new LabelMap(null, ids, ids);
    }

    /** The file this map was read from, or null if it was built in code. */
    public Path source() {
        return source;
    }

    public int size() {
        return wnids.size();
    }

    /** The class id (WordNet id for ImageNet) at {@code index}. */
    public String wnid(int index) {
        return wnids.get(index);
    }

    /** The full name text of a class: {@code tench, Tinca tinca}. */
    public String names(int index) {
        return names.get(index);
    }

    /** The first name of a class: {@code tench}. */
    public String shortName(int index) {
        String n = names.get(index);
        int comma = n.indexOf(',');
        return comma < 0 ? n : n.substring(0, comma).strip();
    }

    /** The first names of all classes, in class order. */
    public List<String> shortNames() {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(shortName(i));
        }
        return out;
    }

    /** The class index of a wnid, if the map has it. */
    public OptionalInt indexOf(String wnid) {
        Integer i = indexByWnid.get(wnid);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** A short description of where the classes came from, for error messages. */
    public String describe() {
        return source == null ? size() + " classes" : source.getFileName() + " (" + size() + " classes)";
    }
}
