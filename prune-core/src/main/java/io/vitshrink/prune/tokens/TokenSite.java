package io.vitshrink.prune.tokens;

/**
 * One place where tokens are reduced: after the attention of block {@code block} (from 0), before its
 * MLP, as EViT and ToMe both do.
 *
 * @param block the transformer block
 * @param count what the method takes: image tokens kept (EViT) or pairs merged (ToMe)
 */
public record TokenSite(int block, int count) {
    public TokenSite {
        if (block < 0 || count < 0) {
            throw new IllegalArgumentException("block and count must be ≥ 0: " + block + ", " + count);
        }
    }
}
