package io.vitshrink.prune.plan;

import java.util.List;

/**
 * The plan entry of structured removal in one transformer block: which attention heads and which
 * MLP hidden channels are kept (indices into the input model, ascending). {@code null} means that
 * part is untouched.
 *
 * @param block block index
 * @param keptHeads heads kept, or null
 * @param keptChannels MLP hidden channels kept, or null
 */
public record BlockCut(int block, List<Integer> keptHeads, List<Integer> keptChannels) {

    public BlockCut {
        keptHeads = keptHeads == null ? null : List.copyOf(keptHeads);
        keptChannels = keptChannels == null ? null : List.copyOf(keptChannels);
    }
}
