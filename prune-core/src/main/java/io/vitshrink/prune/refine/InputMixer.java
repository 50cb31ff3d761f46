package io.vitshrink.prune.refine;

import java.util.SplittableRandom;

/**
 * Mixup for window refinement: a share of every step's images are replaced by blends
 * λ·a + (1 − λ)·b of two calibration images' input streams (λ uniform in [0, 1]), which the dense
 * window then labels ({@link SubBlockRefiner.Teacher}). The refined blocks fit the dense ones on
 * inputs between the calibration images as well as on them — more of the dense function than 256
 * images show. For a window that starts at the first block the input stream is the patch embedding
 * plus the position embedding, linear in the pixels, so the blend is that of the two images
 * themselves; further in it blends hidden streams (manifold mixup).
 */
final class InputMixer {
    private final double share;
    private final SplittableRandom random;

    /**
     * @param share of each batch, in (0, 1]
     * @param seed of the partners and the weights λ (a stream of its own, so the batches are those
     *     of a refinement without mixing)
     */
    InputMixer(double share, long seed) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("the mixed share must be in (0, 1], not " + share);
        }
        this.share = share;
        this.random = new SplittableRandom(seed ^ 0x6D69787570L);
    }

    /** How many of a batch of {@code batch} images are blends: the last ones. */
    int mixed(int batch) {
        return (int) Math.round(share * batch);
    }

    /**
     * The step's input stream: the batch's images as they are, the last {@link #mixed} of them each
     * blended with another image drawn from {@code pool}.
     *
     * @param pool the images that may be fitted (held-out ones are not mixed in)
     */
    float[] inputs(ImageValues x, int[] images, int[] pool) {
        float[] out = x.gather(images);
        int per = x.tokens() * x.width();
        int n = mixed(images.length);
        for (int i = images.length - n; i < images.length; i++) {
            int partner = pool[random.nextInt(pool.length)];
            if (partner == images[i] && pool.length > 1) {
                partner = pool[(indexOf(pool, partner) + 1 + random.nextInt(pool.length - 1)) % pool.length];
            }
            float lambda = (float) random.nextDouble();
            int base = i * per;
            int other = partner * per;
            for (int k = 0; k < per; k++) {
                out[base + k] = lambda * out[base + k] + (1 - lambda) * x.data()[other + k];
            }
        }
        return out;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
