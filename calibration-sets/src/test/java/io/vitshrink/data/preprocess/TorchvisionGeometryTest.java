package io.vitshrink.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TorchvisionGeometryTest {
    @Test
    void resizeMakesTheShorterSideTheTargetAndTruncatesTheLonger() {
        assertThat(TorchvisionGeometry.resizeShorterSide(500, 375, 256)).containsExactly(341, 256); // 341.33
        assertThat(TorchvisionGeometry.resizeShorterSide(375, 500, 256)).containsExactly(256, 341);
        assertThat(TorchvisionGeometry.resizeShorterSide(68, 121, 256)).containsExactly(256, 455); // 455.53
        assertThat(TorchvisionGeometry.resizeShorterSide(227, 227, 256)).containsExactly(256, 256);
        assertThat(TorchvisionGeometry.resizeShorterSide(1, 1000, 256)).containsExactly(256, 256000);
    }

    @Test
    void centerCropRoundsHalfToEvenLikePython() {
        assertThat(TorchvisionGeometry.centerCropOffset(341, 224)).isEqualTo(58);   // 58.5 -> 58
        assertThat(TorchvisionGeometry.centerCropOffset(257, 224)).isEqualTo(16);   // 16.5 -> 16
        assertThat(TorchvisionGeometry.centerCropOffset(259, 224)).isEqualTo(18);   // 17.5 -> 18
        assertThat(TorchvisionGeometry.centerCropOffset(256, 224)).isEqualTo(16);
        assertThat(TorchvisionGeometry.centerCropOffset(224, 224)).isZero();
    }

    @Test
    void paddingPutsTheOddPixelAfter() {
        assertThat(TorchvisionGeometry.centerCropPadding(221, 224)).containsExactly(1, 2);
        assertThat(TorchvisionGeometry.centerCropPadding(300, 224)).containsExactly(0, 0);
    }
}
