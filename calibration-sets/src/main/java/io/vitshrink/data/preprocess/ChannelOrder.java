package io.vitshrink.data.preprocess;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/** Order of the three colour planes in the output tensor. Torchvision/timm models use RGB. */
public enum ChannelOrder {
    RGB,
    /** For models converted from Caffe/OpenCV pipelines. */
    BGR;

    /** Parses {@code RGB} or {@code BGR} (any case). */
    public static ChannelOrder parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("unknown channel order '" + text + "': use RGB or BGR");
        }
    }
}
