package io.vitshrink.data.dataset;

import io.vitshrink.onnx.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a folder described by a labels file: one {@code <file> <class index>} per line (the ImageNet
 * validation ground-truth format), blank lines and {@code #} comments skipped. Entries keep the file's
 * line order, which is what the user wrote down.
 */
final class LabelsFileLayout {
    private LabelsFileLayout() {
    }

    /**
     * @param folder  where the named images are looked up (then next to the labels file)
     * @param synsets the model's classes, bounding the indices; null to accept any index from 0
     */
    static ImageDataset read(Path folder, Path labelsFile, LabelMap synsets, String name) {
        if (Files.exists(labelsFile) && !Files.isRegularFile(labelsFile)) {
            throw new UserException("labels file " + labelsFile + " is " + (Files.isDirectory(labelsFile) ? "a folder"
                    : "not a regular file") + "; give a text file of '<file> <class index>' lines");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(labelsFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("labels file not found: " + labelsFile);
        } catch (IOException e) {
            throw new UserException("cannot read labels file " + labelsFile + ": " + e.getMessage());
        }
        String where = labelsFile.getFileName().toString();
        Path besideLabels = labelsFile.toAbsolutePath().getParent();
        List<DatasetEntry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            int split = lastWhitespace(line);
            if (split < 0) {
                throw malformed(where, lineNo, line);
            }
            String file = line.substring(0, split).strip();
            int label;
            try {
                label = Integer.parseInt(line.substring(split + 1));
            } catch (NumberFormatException e) {
                throw malformed(where, lineNo, line);
            }
            checkRange(where, lineNo, label, synsets);
            entries.add(new DatasetEntry(locate(folder, besideLabels, file, where, lineNo), label));
        }
        if (entries.isEmpty()) {
            throw new UserException("labels file " + labelsFile + " lists no images");
        }
        return new ImageDataset(name, folder, entries, synsets == null ? List.of() : synsets.shortNames());
    }

    private static int lastWhitespace(String line) {
        for (int i = line.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static UserException malformed(String where, int lineNo, String line) {
        return new UserException(where + " line " + lineNo + ": expected '<file> <class index>', got '" + line + "'");
    }

    private static void checkRange(String where, int lineNo, int label, LabelMap synsets) {
        if (label < 0 || (synsets != null && label >= synsets.size())) {
            String range = synsets == null ? "0 or more" : "0.." + (synsets.size() - 1) + " for " + synsets.describe();
            throw new UserException(where + " line " + lineNo + ": class index " + label + " is out of range (" + range + ")");
        }
    }

    private static Path locate(Path folder, Path besideLabels, String file, String where, int lineNo) {
        Path p = folder.resolve(file);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Path alt = besideLabels.resolve(file);
        if (Files.isRegularFile(alt)) {
            return alt;
        }
        throw new UserException(where + " line " + lineNo + ": image '" + file + "' not found in " + folder);
    }
}
