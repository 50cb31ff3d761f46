package io.vitshrink.quant.rewrite;

/**
 * The data layout of ONNX Runtime's {@code com.microsoft:MatMulNBits} (see ONNX Runtime's
 * {@code docs/ContribOperators.md}): the weight is seen as {@code N} rows (output features) of {@code K}
 * values (input features), cut along K into {@code k_blocks = ceil(K / block_size)} blocks.
 *
 * <ul>
 *   <li>{@code B}: uint8 {@code [N, k_blocks, blob_size]}, {@code blob_size = block_size · bits / 8};
 *       within a block, value {@code j} sits at bit {@code (j · bits) mod 8} of byte {@code j · bits / 8}
 *       ("low first": for 4 bits the even value in the low nibble). Values are unsigned
 *       {@code [0, 2^bits - 1]}; the tail of the last block past K is padded with that block's zero
 *       point, which dequantizes to 0.</li>
 *   <li>{@code scales}: float, one per block, row-major {@code n · k_blocks + kb}.</li>
 *   <li>{@code zero_points}: optional; uint8 packed like B, {@code ceil(k_blocks · bits / 8)} bytes per
 *       row; when absent every zero point is {@code 2^(bits-1)}.</li>
 * </ul>
 *
 * Dequantization is {@code (value - zero_point) · scale}, as ONNX DequantizeLinear.
 */
final class MatMulNBitsPacking {

    private MatMulNBitsPacking() {
    }

    static int blocks(int k, int blockSize) {
        return (k + blockSize - 1) / blockSize;
    }

    /**
     * Packs unsigned values.
     *
     * @param values {@code [N, K]} row-major, each in {@code [0, 2^bits - 1]}
     * @param zeroPoints {@code [N, k_blocks]} row-major: used to pad the last block
     */
    static byte[] packB(int[] values, int n, int k, int bits, int blockSize, int[] zeroPoints) {
        int kBlocks = blocks(k, blockSize);
        int blob = blockSize * bits / 8;
        byte[] out = new byte[n * kBlocks * blob];
        for (int row = 0; row < n; row++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int base = (row * kBlocks + kb) * blob;
                for (int j = 0; j < blockSize; j++) {
                    int kk = kb * blockSize + j;
                    int v = kk < k ? values[row * k + kk] : zeroPoints[row * kBlocks + kb];
                    put(out, base, j, bits, v);
                }
            }
        }
        return out;
    }

    /** Packs {@code [N, k_blocks]} unsigned zero points, {@code ceil(k_blocks · bits / 8)} bytes per row. */
    static byte[] packZeroPoints(int[] zeroPoints, int n, int kBlocks, int bits) {
        int perRow = (kBlocks * bits + 7) / 8;
        byte[] out = new byte[n * perRow];
        for (int row = 0; row < n; row++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                put(out, row * perRow, kb, bits, zeroPoints[row * kBlocks + kb]);
            }
        }
        return out;
    }

    /** Reads value {@code j} of a packed row or block starting at {@code base}. */
    static int get(byte[] packed, int base, int j, int bits) {
        int bit = j * bits;
        return (packed[base + bit / 8] >> (bit % 8)) & ((1 << bits) - 1);
    }

    private static void put(byte[] out, int base, int j, int bits, int v) {
        int mask = (1 << bits) - 1;
        if (v < 0 || v > mask) {
            throw new IllegalArgumentException("value " + v + " does not fit " + bits + " bits");
        }
        int bit = j * bits;
        out[base + bit / 8] |= (byte) (v << (bit % 8));
    }
}
