package io.vitshrink.data.preprocess;

import io.vitshrink.data.images.RgbImage;

/**
 * Applies a {@link PreprocessRecipe} to decoded pixels: torchvision's {@code Resize} (through
 * {@link PillowResampler}), {@code CenterCrop} (zero-padding when the image is smaller than the crop),
 * {@code ToTensor} and {@code Normalize}, giving one CHW float32 image.
 *
 * <p>Normalization is computed in float32 in torchvision's order, {@code (v / 255f - mean) / std}, via a
 * 256-entry table per channel, so outputs equal PyTorch's bit for bit given equal uint8 input.
 * Immutable and thread-safe.
 */
public final class Preprocessor {
    private final PreprocessRecipe recipe;
    private final float[][] table = new float[3][256];

    public Preprocessor(PreprocessRecipe recipe) {
        this.recipe = recipe;
        float[] mean = recipe.mean();
        float[] std = recipe.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = ((float) v / 255f - mean[c]) / std[c];
            }
        }
    }

    public PreprocessRecipe recipe() {
        return recipe;
    }

    /** The full recipe: {@code 3 x crop x crop} floats, plane by plane in the recipe's channel order. */
    public float[] apply(RgbImage image) {
        float[] out = new float[recipe.tensorLength()];
        normalizeInto(resizeAndCrop(image), out, 0);
        return out;
    }

    /**
     * The uint8 stage: resized and center-cropped pixels, exactly what torchvision's PIL transforms
     * hand to {@code ToTensor}.
     */
    public RgbImage resizeAndCrop(RgbImage image) {
        int crop = recipe.crop();
        int[] size = TorchvisionGeometry.resizeShorterSide(image.width(), image.height(), recipe.resize());
        int w = size[0];
        int h = size[1];
        if (w >= crop && h >= crop) {
            int left = TorchvisionGeometry.centerCropOffset(w, crop);
            int top = TorchvisionGeometry.centerCropOffset(h, crop);
            return PillowResampler.resizeWindow(image, w, h, recipe.interpolation(), recipe.antialias(),
                    left, top, crop, crop);
        }
        RgbImage resized = PillowResampler.resize(image, w, h, recipe.interpolation(), recipe.antialias());
        return padAndCrop(resized, crop);
    }

    /**
     * Writes the normalized planes of a {@code crop x crop} RGB image into {@code out} at {@code offset}
     * (so batches can be filled without copying).
     */
    public void normalizeInto(RgbImage cropped, float[] out, int offset) {
        int plane = cropped.width() * cropped.height();
        if (out.length - offset < 3 * plane) {
            throw new IllegalArgumentException("output has room for " + (out.length - offset) + " floats, need " + 3 * plane);
        }
        byte[] rgb = cropped.rgb();
        boolean bgr = recipe.channelOrder() == ChannelOrder.BGR;
        for (int c = 0; c < 3; c++) {
            float[] lut = table[c];
            int base = offset + (bgr ? 2 - c : c) * plane;
            for (int i = 0, p = c; i < plane; i++, p += 3) {
                out[base + i] = lut[rgb[p] & 0xff];
            }
        }
    }

    /**
     * CenterCrop when the crop exceeds the image on some axis: torchvision pads with zeros (odd pixel
     * after), then crops at the rounded center of the padded image.
     */
    private static RgbImage padAndCrop(RgbImage image, int crop) {
        int[] padX = TorchvisionGeometry.centerCropPadding(image.width(), crop);
        int[] padY = TorchvisionGeometry.centerCropPadding(image.height(), crop);
        int pw = image.width() + padX[0] + padX[1];
        int ph = image.height() + padY[0] + padY[1];
        int left = TorchvisionGeometry.centerCropOffset(pw, crop) - padX[0];
        int top = TorchvisionGeometry.centerCropOffset(ph, crop) - padY[0];
        byte[] out = new byte[crop * crop * 3];
        for (int y = 0; y < crop; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= image.height()) {
                continue;
            }
            for (int x = 0; x < crop; x++) {
                int sx = x + left;
                if (sx >= 0 && sx < image.width()) {
                    System.arraycopy(image.rgb(), (sy * image.width() + sx) * 3, out, (y * crop + x) * 3, 3);
                }
            }
        }
        return new RgbImage(crop, crop, out);
    }
}
