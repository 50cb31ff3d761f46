package io.vitshrink.data.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.data.dataset.DatasetEntry;
import io.vitshrink.data.dataset.ImageDataset;
import io.vitshrink.onnx.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplingTest {
    private static ImageDataset dataset(int n) {
        List<DatasetEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new DatasetEntry(Path.of(String.format("img_%04d.jpg", i)), i % 10));
        }
        return new ImageDataset("pool", Path.of("."), entries, List.of());
    }

    @Test
    void splitMix64MatchesTheReferenceSequence() {
        // First outputs of Vigna's splitmix64.c for seed 1234567.
        SplitMix64 r = new SplitMix64(1234567);
        assertThat(new long[] {r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()}).containsExactly(
                6457827717110365317L, 3203168211198807973L, -8629252141511181193L, 4593380528125082431L,
                -2037821214251327795L);
    }

    @Test
    void nextIntCoversItsRangeEvenly() {
        SplitMix64 r = new SplitMix64(9);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
        assertThatThrownBy(() -> r.nextInt(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameSeedSameSampleOnEveryMachine() {
        // Pinned values, computed independently (a Python transcription of SplitMix64 + Fisher-Yates).
        assertThat(SeededSampler.sampleIndices(1300, 8, 42)).containsExactly(52, 160, 289, 381, 398, 418, 616, 706);
        assertThat(SeededSampler.permutationPrefix(1300, 8, 42)).containsExactly(706, 160, 289, 52, 381, 616, 418, 398);

        ImageDataset pool = dataset(1300);
        assertThat(SeededSampler.sample(pool, 64, 1).entries()).isEqualTo(SeededSampler.sample(pool, 64, 1).entries());
        assertThat(SeededSampler.sample(pool, 64, 1).entries()).isNotEqualTo(SeededSampler.sample(pool, 64, 2).entries());
    }

    @Test
    void samplesAreDistinctInDatasetOrderAndNested() {
        ImageDataset pool = dataset(500);
        ImageDataset small = SeededSampler.sample(pool, 32, 7);
        ImageDataset large = SeededSampler.sample(pool, 256, 7);

        assertThat(small.entries()).doesNotHaveDuplicates();
        assertThat(small.entries()).isSortedAccordingTo((a, b) -> a.file().compareTo(b.file()));
        assertThat(large.entries()).containsAll(small.entries());
        assertThat(small.name()).isEqualTo("pool[32 @ seed 7]");
        assertThat(SeededSampler.sample(pool, 500, 3).entries()).isEqualTo(pool.entries());
    }

    @Test
    void oversizedSampleIsAUserError() {
        assertThatThrownBy(() -> SeededSampler.sample(dataset(10), 11, 1))
                .isInstanceOf(UserException.class)
                .hasMessage("cannot sample 11 images from pool, which has 10");
        assertThatThrownBy(() -> SeededSampler.sample(dataset(10), 0, 1)).isInstanceOf(UserException.class);
    }

    @Test
    void splitsAreDisjointAndDeterministic() {
        ImageDataset pool = dataset(1300);
        DatasetSplit split = DatasetSplit.of(pool, 256, 512, 42);

        assertThat(split.calibration().size()).isEqualTo(256);
        assertThat(split.evaluation().size()).isEqualTo(512);
        Set<DatasetEntry> overlap = new HashSet<>(split.calibration().entries());
        overlap.retainAll(split.evaluation().entries());
        assertThat(overlap).isEmpty();
        DatasetSplit again = DatasetSplit.of(pool, 256, 512, 42);
        assertThat(again.calibration().entries()).isEqualTo(split.calibration().entries());
        assertThat(again.evaluation().entries()).isEqualTo(split.evaluation().entries());
        // The calibration part is exactly the seeded sample of the same size.
        assertThat(split.calibration().entries()).isEqualTo(SeededSampler.sample(pool, 256, 42).entries());

        DatasetSplit rest = DatasetSplit.of(pool, 100, DatasetSplit.REST, 5);
        assertThat(rest.evaluation().size()).isEqualTo(1200);
        Set<DatasetEntry> union = new HashSet<>(rest.calibration().entries());
        union.addAll(rest.evaluation().entries());
        assertThat(union).hasSize(1300);

        assertThatThrownBy(() -> DatasetSplit.of(pool, 1000, 301, 1))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("together at most 1300");
    }
}
