package io.vitshrink.onnx.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tensor packing and conversions. */
class TensorTest {

    @Test
    void int4PacksTwoToAByteLowNibbleFirstAndRoundTripsNegatives() {
        int[] values = {1, 2, -1, -8, 7, 0, -3};
        Tensor t = Tensor.ofSmallInts("w", DataType.INT4, new long[] {7}, values);
        assertThat(t.sizeBytes()).isEqualTo(4);
        assertThat(t.rawBytes()).containsExactly(0x21, 0x8F, 0x07, 0x0D);
        assertThat(t.toLongs()).containsExactly(1, 2, -1, -8, 7, 0, -3);
        assertThat(t.toFloats()).containsExactly(1, 2, -1, -8, 7, 0, -3);

        int[] all = new int[16];
        for (int i = 0; i < 16; i++) {
            all[i] = i - 8;
        }
        assertThat(Tensor.ofSmallInts("all", DataType.INT4, new long[] {4, 4}, all).toLongs())
                .containsExactly(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void uint4PacksAndRoundTrips() {
        Tensor t = Tensor.ofSmallInts("u", DataType.UINT4, new long[] {2, 2}, new int[] {0, 15, 9, 1});
        assertThat(t.rawBytes()).containsExactly(0xF0, 0x19);
        assertThat(t.toLongs()).containsExactly(0, 15, 9, 1);
        Tensor odd = Tensor.ofSmallInts("u", DataType.UINT4, new long[] {3}, new int[] {15, 15, 15});
        assertThat(odd.rawBytes()).containsExactly(0xFF, 0x0F);
        assertThat(odd.toLongs()).containsExactly(15, 15, 15);
    }

    @Test
    void eightBitIntsRoundTrip() {
        assertThat(Tensor.ofSmallInts("a", DataType.INT8, new long[] {3}, new int[] {-128, -1, 127}).toLongs())
                .containsExactly(-128, -1, 127);
        assertThat(Tensor.ofSmallInts("a", DataType.UINT8, new long[] {3}, new int[] {0, 128, 255}).toLongs())
                .containsExactly(0, 128, 255);
        assertThatThrownBy(() -> Tensor.ofSmallInts("a", DataType.FLOAT, new long[] {1}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tensor.ofSmallInts("a", DataType.INT4, new long[] {2}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'a' has shape [2] (2 elements) but 1 values");
    }

    private static Tensor halves(int... bits) {
        byte[] raw = new byte[bits.length * 2];
        for (int i = 0; i < bits.length; i++) {
            raw[2 * i] = (byte) bits[i];
            raw[2 * i + 1] = (byte) (bits[i] >> 8);
        }
        return Tensor.ofRaw("h", DataType.FLOAT16, new long[] {bits.length}, raw);
    }

    @Test
    void float16ConvertsKnownValues() {
        float[] f = halves(0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x0000, 0x8000, 0x3555, 0x4248)
                .toFloats();
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[1]).isEqualTo(-2f);
        assertThat(f[2]).isEqualTo(0.5f);
        assertThat(f[3]).isEqualTo(65504f);
        assertThat(f[4]).isEqualTo(0x1p-14f);          // smallest normal
        assertThat(f[5]).isEqualTo(0x1p-24f);          // smallest subnormal
        assertThat(f[6]).isEqualTo(1023 * 0x1p-24f);   // largest subnormal
        assertThat(Float.floatToRawIntBits(f[7])).isEqualTo(0);
        assertThat(Float.floatToRawIntBits(f[8])).isEqualTo(0x80000000); // −0
        assertThat(f[9]).isEqualTo(0.33325195f);
        assertThat(f[10]).isEqualTo(3.140625f);
        float[] special = halves(0x7C00, 0xFC00, 0x7E00).toFloats();
        assertThat(special[0]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(special[1]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(special[2]).isNaN();
        assertThat(halves(0x3C00, 0xBC00).toLongs()).containsExactly(1, -1);
    }

    @Test
    void bfloat16ConvertsKnownValues() {
        Tensor t = Tensor.ofRaw("b", DataType.BFLOAT16, new long[] {3}, new byte[] {(byte) 0x80, 0x3F, 0, (byte) 0xC0, 0x49, 0x40});
        assertThat(t.toFloats()).containsExactly(1f, -2f, 3.140625f);
    }

    @Test
    void rawSizeIsChecked() {
        assertThatThrownBy(() -> Tensor.ofRaw("t", DataType.FLOAT, new long[] {2, 2}, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 't' of type FLOAT and shape [2, 2] needs 16 bytes but has 15");
        assertThat(Tensor.ofRaw("t", DataType.INT4, new long[] {3}, new byte[2]).numel()).isEqualTo(3);
        assertThat(DataType.INT4.storageBytes(5)).isEqualTo(3);
        assertThat(DataType.FLOAT.storageBytes(5)).isEqualTo(20);
        assertThat(DataType.fromCode(22)).isEqualTo(DataType.INT4);
        assertThat(DataType.fromCode(999)).isEqualTo(DataType.UNDEFINED);
    }

    @Test
    void tensorsAreImmutable() {
        float[] values = {1, 2, 3};
        long[] dims = {3};
        Tensor t = Tensor.ofFloats("t", dims, values);
        values[0] = 99;
        dims[0] = 1;
        t.rawBytes()[0] = 42;
        t.dims()[0] = 7;
        assertThat(t.toFloats()).containsExactly(1, 2, 3);
        assertThat(t.dims()).containsExactly(3);
        assertThat(t.rawBuffer().isReadOnly()).isTrue();
        assertThat(t.reshaped(new long[] {1, 3}).dims()).containsExactly(1, 3);
        assertThat(t.withName("u").name()).isEqualTo("u");
        assertThat(t.name()).isEqualTo("t");
    }
}
