package io.vitshrink.quant.plan;

import io.vitshrink.onnx.UserException;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The text form of a weight's integer levels in a plan file: one signed byte per level (weights are
 * at most 8 bits wide), DEFLATE-compressed, then Base64. A 4-bit DeiT-Tiny plan carries its 5.5 M
 * GPTQ levels in a few MB this way, and (input model, plan) alone still rebuilds the model: no
 * calibration data is needed to replay GPTQ.
 */
final class LevelCodec {
    private LevelCodec() {
    }

    static String encode(int[] levels) {
        byte[] raw = new byte[levels.length];
        for (int i = 0; i < levels.length; i++) {
            raw[i] = (byte) levels[i];
        }
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } finally {
            d.end();
        }
    }

    /** @param where names the plan entry in error messages */
    static int[] decode(String text, String where) {
        byte[] packed;
        try {
            packed = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(where + ": 'levels' is not Base64 text (" + e.getMessage() + ")");
        }
        Inflater inf = new Inflater();
        try {
            inf.setInput(packed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new UserException(where + ": 'levels' is truncated (the compressed data ends early)");
                }
                out.write(buf, 0, n);
            }
            byte[] raw = out.toByteArray();
            int[] levels = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                levels[i] = raw[i];
            }
            return levels;
        } catch (DataFormatException e) {
            throw new UserException(where + ": 'levels' is not DEFLATE data (" + e.getMessage() + ")");
        } finally {
            inf.end();
        }
    }
}
