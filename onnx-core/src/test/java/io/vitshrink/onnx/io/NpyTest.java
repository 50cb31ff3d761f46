package io.vitshrink.onnx.io;

import static io.vitshrink.onnx.io.IoFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitshrink.onnx.UserException;
import io.vitshrink.onnx.model.DataType;
import io.vitshrink.onnx.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files as NumPy writes them (format 1.0, float32, C order). */
class NpyTest {

    @TempDir
    Path dir;

    /** The bytes numpy.save writes for a little-endian float32 array (header padded to 64 bytes). */
    static byte[] npyV1(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.put(data);
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsA2dFloat32Array() throws IOException {
        byte[] file = npyV1("<f4", "(2, 3)", floats(1, -2, 3.5f, 0, Float.MAX_VALUE, -0.125f));
        assertThat((file.length - 24) % 64).as("numpy pads the header to 64 bytes").isZero();
        Path p = Files.write(dir.resolve("a.npy"), file);
        Tensor t = Npy.read(p);
        assertThat(t.name()).isEqualTo("a.npy");
        assertThat(t.type()).isEqualTo(DataType.FLOAT);
        assertThat(t.dims()).containsExactly(2, 3);
        assertThat(t.toFloats()).containsExactly(1, -2, 3.5f, 0, Float.MAX_VALUE, -0.125f);
    }

    @Test
    void readsA1dAndAScalarArray() throws IOException {
        Tensor v = Npy.read(Files.write(dir.resolve("v.npy"), npyV1("<f4", "(4,)", floats(1, 2, 3, 4))));
        assertThat(v.dims()).containsExactly(4);
        assertThat(v.toFloats()).containsExactly(1, 2, 3, 4);
        Tensor s = Npy.read(Files.write(dir.resolve("s.npy"), npyV1("<f4", "()", floats(7))));
        assertThat(s.dims()).isEmpty();
        assertThat(s.toFloats()).containsExactly(7);
    }

    @Test
    void truncatedDataIsRefused() throws IOException {
        byte[] full = npyV1("<f4", "(2, 3)", floats(1, 2, 3, 4, 5, 6));
        Path p = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(full, full.length - 4));
        Map<String, String> before = snapshot(dir);
        assertThatThrownBy(() -> Npy.read(p)).isInstanceOf(UserException.class)
                .hasMessage("'" + p + "' should hold 24 data bytes but holds 20");
        assertThat(snapshot(dir)).isEqualTo(before);
    }

    @Test
    void truncatedHeaderIsRefused() throws IOException {
        byte[] full = npyV1("<f4", "(2, 3)", floats(1, 2, 3, 4, 5, 6));
        Path p = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(full, 30));
        assertThatThrownBy(() -> Npy.read(p)).isInstanceOf(UserException.class)
                .hasMessage("'" + p + "' is truncated (header runs past the end)");
    }

    @Test
    void nonNpyFilesAreRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.npy"), "just some text, not numpy\n");
        assertThatThrownBy(() -> Npy.read(text)).isInstanceOf(UserException.class)
                .hasMessage("'" + text + "' is not a NumPy .npy file");
        Path tiny = Files.write(dir.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N'});
        assertThatThrownBy(() -> Npy.read(tiny)).isInstanceOf(UserException.class)
                .hasMessage("'" + tiny + "' is not a NumPy .npy file");
        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> Npy.read(missing)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("cannot read '" + missing + "': ");
    }

    @Test
    void absurdOrMalformedShapesAreRefusedWithOneLine() throws IOException {
        Path huge = Files.write(dir.resolve("huge.npy"), npyV1("<f4", "(4611686018427387904, 8)", floats(1)));
        assertThatThrownBy(() -> Npy.read(huge)).isInstanceOf(UserException.class)
                .hasMessage("'" + huge + "' declares an absurd shape (4611686018427387904, 8) in its .npy header");
        Path negative = Files.write(dir.resolve("neg.npy"), npyV1("<f4", "(-1,)", floats(1)));
        assertThatThrownBy(() -> Npy.read(negative)).isInstanceOf(UserException.class)
                .hasMessage("'" + negative + "' has a malformed shape (-1,) in its .npy header");
        byte[] v2 = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 5, 0};
        Path shortV2 = Files.write(dir.resolve("v2.npy"), v2);
        assertThatThrownBy(() -> Npy.read(shortV2)).isInstanceOf(UserException.class)
                .hasMessage("'" + shortV2 + "' is truncated (header runs past the end)");
    }

    @Test
    void unsupportedLayoutsAreRefusedWithTheReason() throws IOException {
        Path big = Files.write(dir.resolve("big.npy"), npyV1(">f4", "(1,)", floats(1)));
        assertThatThrownBy(() -> Npy.read(big)).isInstanceOf(UserException.class)
                .hasMessage("'" + big + "' holds dtype >f4; vitshrink reads little-endian float32/float64/int64/int32/int8/uint8");
        byte[] fortran = new String(npyV1("<f4", "(1,)", floats(1)), StandardCharsets.ISO_8859_1)
                .replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1);
        Path f = Files.write(dir.resolve("f.npy"), fortran);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(UserException.class)
                .hasMessage("'" + f + "' is in Fortran order; save it with C order");
    }
}
