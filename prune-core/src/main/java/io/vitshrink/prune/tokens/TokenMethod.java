package io.vitshrink.prune.tokens;

import io.vitshrink.onnx.UserException;
import java.util.Locale;

/** The token reduction methods, and how each changes the token count at a site. */
public enum TokenMethod {
    /** Attentive-token keeping with a fused token (EViT, Liang et al., ICLR 2022): count = image tokens kept. */
    EVIT,
    /** Token merging by bipartite soft matching (ToMe, Bolya et al., ICLR 2023): count = pairs merged (r). */
    TOME,
    /** Training-free semantic tokens (after STViT, Wu et al., CVPR 2023): count = semantic tokens, one site. */
    SEMANTIC;

    /** Tokens leaving a site that receives {@code tokensIn} tokens (class token included). */
    public int tokensAfter(int tokensIn, int count) {
        return switch (this) {
            case EVIT -> count >= tokensIn - 1 ? tokensIn : count + 2; // class + kept + fused
            case TOME -> tokensIn - Math.min(count, (tokensIn - 1) / 2);
            case SEMANTIC -> count >= tokensIn - 1 ? tokensIn : count + 1; // class + semantic
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenMethod parse(String s) {
        for (TokenMethod m : values()) {
            if (m.id().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new UserException("unknown token method '" + s + "': use evit, tome or semantic");
    }
}
