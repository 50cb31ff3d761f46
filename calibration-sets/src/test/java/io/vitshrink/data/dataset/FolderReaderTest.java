package io.vitshrink.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.TestImages;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderReaderTest {
    private static final String SYNSETS = """
            n01440764 tench, Tinca tinca
            n01443537 goldfish, Carassius auratus
            n01484850 great white shark, white shark
            """;

    @TempDir
    Path dir;

    private Path image(Path file) {
        return TestImages.writePng(file, TestImages.solid(4, 3, 0x336699));
    }

    private Path synsets() throws Exception {
        return Files.writeString(dir.resolve("synsets-test.txt"), SYNSETS);
    }

    @Test
    void wnidPrefixedFolderIsDetectedSortedAndLabelledThroughTheSynsets() throws Exception {
        Path folder = dir.resolve("sample");
        image(folder.resolve("n01484850_great_white_shark.JPEG"));
        image(folder.resolve("n01440764_tench.JPEG"));
        image(folder.resolve("n01443537_goldfish.png"));
        Files.writeString(folder.resolve("README.txt"), "not an image");
        Files.writeString(folder.resolve("meta.json"), "{}");
        Files.writeString(folder.resolve(".DS_Store"), "junk");
        image(folder.resolve("._n01440764_tench.JPEG")); // macOS resource fork: hidden

        ImageDataset ds = FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null));

        assertThat(ds.entries()).extracting(DatasetEntry::fileName).containsExactly(
                "n01440764_tench.JPEG", "n01443537_goldfish.png", "n01484850_great_white_shark.JPEG");
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(0, 1, 2);
        assertThat(ds.classNames()).containsExactly("tench", "goldfish", "great white shark");
        assertThat(ds.name()).isEqualTo("sample");
        assertThat(ds.isLabeled()).isTrue();
    }

    @Test
    void wnidNotInTheSynsetFileIsAnError() throws Exception {
        Path folder = dir.resolve("sample");
        image(folder.resolve("n01440764_tench.JPEG"));
        image(folder.resolve("n09999999_mystery.JPEG"));

        assertThatThrownBy(() -> FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null)))
                .isInstanceOf(UserException.class)
                .hasMessage("WordNet id 'n09999999' of file n09999999_mystery.JPEG is not in synsets-test.txt (3 classes)");
    }

    @Test
    void synsetFileNextToTheFolderIsFoundAndWithoutOneWnidsAreNumberedInSortedOrder() throws Exception {
        Path folder = dir.resolve("sample");
        image(folder.resolve("n01484850_shark.JPEG"));
        image(folder.resolve("n01443537_goldfish.JPEG"));

        ImageDataset alone = FolderReader.read(folder);
        assertThat(alone.entries()).extracting(DatasetEntry::label).containsExactly(0, 1);
        assertThat(alone.classNames()).containsExactly("n01443537", "n01484850");

        synsets(); // now dir/synsets-test.txt sits in the parent of the folder
        ImageDataset found = FolderReader.read(folder);
        assertThat(found.entries()).extracting(DatasetEntry::label).containsExactly(1, 2);
        assertThat(found.classCount()).isEqualTo(3);
    }

    @Test
    void labelsFileLayoutIsDetectedWithImagesInASubfolder() throws Exception {
        Path folder = dir.resolve("val");
        image(folder.resolve("images/ILSVRC2012_val_00000002.JPEG"));
        image(folder.resolve("images/ILSVRC2012_val_00000001.JPEG"));
        Files.writeString(folder.resolve("labels.txt"), """
                # file  class
                ILSVRC2012_val_00000002.JPEG 2

                ILSVRC2012_val_00000001.JPEG 0
                """);

        ImageDataset ds = FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null));

        assertThat(ds.entries()).extracting(DatasetEntry::fileName)
                .containsExactly("ILSVRC2012_val_00000002.JPEG", "ILSVRC2012_val_00000001.JPEG"); // file order
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(2, 0);
        assertThat(ds.root()).isEqualTo(folder.resolve("images"));
    }

    @Test
    void labelsFileErrorsNameTheLine() throws Exception {
        Path folder = dir.resolve("val");
        image(folder.resolve("a.jpg"));
        Path labels = folder.resolve("labels.txt");

        Files.writeString(labels, "a.jpg 0\na.jpg\n");
        assertThatThrownBy(() -> FolderReader.read(folder))
                .isInstanceOf(UserException.class)
                .hasMessage("labels.txt line 2: expected '<file> <class index>', got 'a.jpg'");

        Files.writeString(labels, "a.jpg zero\n");
        assertThatThrownBy(() -> FolderReader.read(folder))
                .hasMessage("labels.txt line 1: expected '<file> <class index>', got 'a.jpg zero'");

        Files.writeString(labels, "a.jpg 0\n\na.jpg 3\n");
        assertThatThrownBy(() -> FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null)))
                .hasMessage("labels.txt line 3: class index 3 is out of range (0..2 for synsets-test.txt (3 classes))");

        Files.writeString(labels, "a.jpg -1\n");
        assertThatThrownBy(() -> FolderReader.read(folder))
                .hasMessage("labels.txt line 1: class index -1 is out of range (0 or more)");

        Files.writeString(labels, "a.jpg 0\nb.jpg 1\n");
        assertThatThrownBy(() -> FolderReader.read(folder))
                .hasMessage("labels.txt line 2: image 'b.jpg' not found in " + folder);
    }

    @Test
    void classFoldersAreNumberedBySortedName() {
        Path folder = dir.resolve("train");
        image(folder.resolve("dog/b.jpg"));
        image(folder.resolve("dog/a.jpg"));
        image(folder.resolve("cat/x.png"));
        image(folder.resolve("cat/nested/y.png"));
        TestImages.writeText(folder.resolve("cat/notes.txt"), "ignored");

        ImageDataset ds = FolderReader.read(folder);

        assertThat(ds.classNames()).containsExactly("cat", "dog");
        assertThat(ds.entries()).extracting(e -> folder.relativize(e.file()).toString().replace('\\', '/'))
                .containsExactly("cat/x.png", "cat/nested/y.png", "dog/a.jpg", "dog/b.jpg");
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(0, 0, 1, 1);
    }

    @Test
    void wnidClassFoldersFollowTheSynsetOrder() throws Exception {
        Path folder = dir.resolve("train");
        image(folder.resolve("n01484850/a.jpg"));
        image(folder.resolve("n01440764/b.jpg"));

        ImageDataset ds = FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null));
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsExactly(0, 2);
        assertThat(ds.classCount()).isEqualTo(3);

        image(folder.resolve("n09999999/c.jpg"));
        assertThatThrownBy(() -> FolderReader.read(folder, new DatasetOptions(null, null, synsets(), null)))
                .hasMessage("class folder 'n09999999' is not a WordNet id in synsets-test.txt (3 classes)");
    }

    @Test
    void plainFolderIsUnlabeled() {
        Path folder = dir.resolve("photos");
        image(folder.resolve("IMG_0002.jpg"));
        image(folder.resolve("IMG_0001.jpg"));

        ImageDataset ds = FolderReader.read(folder);

        assertThat(ds.entries()).extracting(DatasetEntry::fileName).containsExactly("IMG_0001.jpg", "IMG_0002.jpg");
        assertThat(ds.entries()).extracting(DatasetEntry::label).containsOnly(DatasetEntry.UNLABELED);
        assertThat(ds.isLabeled()).isFalse();
        assertThat(ds.classCount()).isZero();
    }

    @Test
    void explicitLayoutOverridesDetection() {
        Path folder = dir.resolve("sample");
        image(folder.resolve("n01440764_tench.JPEG"));

        ImageDataset ds = FolderReader.read(folder, new DatasetOptions(DatasetLayout.UNLABELED, null, null, "calib"));

        assertThat(ds.get(0).isLabeled()).isFalse();
        assertThat(ds.name()).isEqualTo("calib");
        assertThatThrownBy(() -> FolderReader.read(dir.resolve("sample"),
                new DatasetOptions(DatasetLayout.LABELS_FILE, null, null, null)))
                .hasMessageStartingWith("layout 'labels-file' needs a labels file");
    }

    @Test
    void missingAndEmptyFoldersAreClearErrors() throws Exception {
        assertThatThrownBy(() -> FolderReader.read(dir.resolve("nowhere")))
                .isInstanceOf(UserException.class)
                .hasMessage("dataset folder does not exist: " + dir.resolve("nowhere"));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("list.txt"), "nothing here");
        assertThatThrownBy(() -> FolderReader.read(empty))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("no images in " + empty + " (looked for files ending in .bmp, .gif, .jfif,");
    }
}
