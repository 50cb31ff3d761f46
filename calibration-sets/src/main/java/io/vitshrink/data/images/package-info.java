/**
 * Image decoding: any file ImageIO can read (JPEG through the TwelveMonkeys plugin, which copes with
 * CMYK/YCCK and broken metadata; PNG, BMP, GIF, TIFF) becomes an {@link io.vitshrink.data.images.RgbImage}
 * of packed 8-bit RGB. The format is recognised from the bytes, never from the file name.
 *
 * <p>Decoding follows Pillow's {@code Image.open(f).convert("RGB")} rather than Java 2D's colour
 * management: embedded ICC profiles are not applied and gray is replicated into three channels, because
 * the models we evaluate were trained on pixels produced that way.
 */
package io.vitshrink.data.images;
