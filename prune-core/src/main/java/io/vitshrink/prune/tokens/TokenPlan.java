package io.vitshrink.prune.tokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A token reduction as data: the method and its sites. Together with the input model it rebuilds the
 * reduced model ({@link TokenReduction#apply}).
 */
public record TokenPlan(TokenMethod method, List<TokenSite> sites) {

    public TokenPlan {
        List<TokenSite> sorted = new ArrayList<>(sites);
        sorted.sort(Comparator.comparingInt(TokenSite::block));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).block() == sorted.get(i - 1).block()) {
                throw new IllegalArgumentException("block " + sorted.get(i).block() + " appears twice in the token plan");
            }
        }
        sites = List.copyOf(sorted);
    }

    /**
     * Tokens entering each block's MLP (after that block's site, if any), given the tokens entering
     * the first block; index = block.
     */
    public int[] tokensPerBlock(int firstTokens, int blocks) {
        int[] out = new int[blocks];
        int n = firstTokens;
        for (int b = 0; b < blocks; b++) {
            int block = b;
            TokenSite site = sites.stream().filter(s -> s.block() == block).findFirst().orElse(null);
            if (site != null) {
                n = method.tokensAfter(n, site.count());
            }
            out[b] = n;
        }
        return out;
    }

    /** A short form for people and metadata, e.g. {@code evit 3:137,6:96,9:67}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(method.id()).append(' ');
        for (int i = 0; i < sites.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(sites.get(i).block()).append(':').append(sites.get(i).count());
        }
        return sb.toString().trim();
    }
}
