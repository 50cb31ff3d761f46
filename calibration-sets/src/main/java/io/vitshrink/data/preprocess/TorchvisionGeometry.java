package io.vitshrink.data.preprocess;

/**
 * The size arithmetic of torchvision's {@code Resize(int)} and {@code CenterCrop(int)}, including
 * their exact truncation and rounding, so that a given photo is cut at the same pixel as in training.
 */
public final class TorchvisionGeometry {
    private TorchvisionGeometry() {
    }

    /**
     * {@code Resize(size)} on a {@code width x height} image: the shorter side becomes {@code size},
     * the longer {@code int(size * long / short)} (truncated, as Python's {@code int()} does).
     *
     * @return {@code {newWidth, newHeight}}
     */
    public static int[] resizeShorterSide(int width, int height, int size) {
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        return width <= height ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    /**
     * {@code CenterCrop}'s offset along one axis: {@code int(round((length - crop) / 2.0))} with
     * Python's round-half-to-even, so a 33-pixel surplus starts the crop at 16, not 17.
     */
    public static int centerCropOffset(int length, int crop) {
        return (int) Math.rint((length - crop) / 2.0);
    }

    /**
     * The zero padding {@code CenterCrop} adds before cropping when the crop is larger than the image,
     * along one axis: {@code {before, after}} with the odd pixel after.
     */
    public static int[] centerCropPadding(int length, int crop) {
        if (crop <= length) {
            return new int[] {0, 0};
        }
        int surplus = crop - length;
        return new int[] {surplus / 2, (surplus + 1) / 2};
    }
}
