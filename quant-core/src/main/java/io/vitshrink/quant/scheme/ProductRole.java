package io.vitshrink.quant.scheme;

/** What a matrix product does in a ViT, from the recognized structure (OTHER when not recognized). */
public enum ProductRole {
    PATCH_EMBED, QKV, Q, K, V, ATTN_SCORES, ATTN_CONTEXT, PROJ, FC1, FC2, DOWNSAMPLE, HEAD, OTHER;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
