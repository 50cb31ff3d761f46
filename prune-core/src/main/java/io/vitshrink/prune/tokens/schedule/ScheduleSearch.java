package io.vitshrink.prune.tokens.schedule;

import io.vitshrink.onnx.UserException;
import io.vitshrink.prune.tokens.TokenMethod;
import io.vitshrink.prune.tokens.TokenPlan;
import io.vitshrink.prune.tokens.TokenSite;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds where and how much to reduce tokens to meet a MACs target. Candidates are schedules of the
 * shapes the papers use, each sized with {@link TokenCostEstimate} to the largest MACs not above the
 * target: EViT keeps the same share of image tokens at evenly spaced blocks (every 2nd or 3rd block
 * from block 1–4, as EViT's 4th/7th/10th layers of DeiT); ToMe merges the same r in every block from a
 * start block. Each candidate is scored by its agreement with the float model on calibration images
 * (the caller's {@code scorer}); the most faithful wins.
 */
public final class ScheduleSearch {
    private final TokenCostEstimate cost;

    /** A scored candidate. */
    public record Scored(TokenPlan plan, double estimatedRatio, Fidelity fidelity) {
    }

    /** The winner and everything tried, in the order tried. */
    public record Result(Scored best, List<Scored> tried) {
    }

    public ScheduleSearch(TokenCostEstimate cost) {
        this.cost = cost;
    }

    public Result search(TokenMethod method, double targetRatio, Function<TokenPlan, Fidelity> scorer,
            Consumer<Scored> progress) {
        List<TokenPlan> candidates = candidates(method, targetRatio);
        if (candidates.isEmpty()) {
            throw new UserException("--target-macs " + targetRatio + " cannot be met with " + method.id()
                    + " on this model (the smallest schedule keeps more); try a larger target");
        }
        Scored best = null;
        List<Scored> tried = new ArrayList<>();
        for (TokenPlan p : candidates) {
            Scored s = new Scored(p, cost.ratio(p), scorer.apply(p));
            tried.add(s);
            progress.accept(s);
            if (best == null || s.fidelity().betterThan(best.fidelity())) {
                best = s;
            }
        }
        return new Result(best, tried);
    }

    /** The candidate schedules that meet the target, each as close to it as its shape allows. */
    public List<TokenPlan> candidates(TokenMethod method, double targetRatio) {
        if (!(targetRatio > 0 && targetRatio < 1)) {
            throw new UserException("--target-macs must be between 0 and 1 (the share of MACs to keep), not " + targetRatio);
        }
        Set<TokenPlan> out = new LinkedHashSet<>();
        int depth = cost.blocks();
        int lastStart = method == TokenMethod.SEMANTIC ? Math.min(6, depth - 2) : Math.min(4, depth - 2);
        for (int start = method == TokenMethod.TOME ? 0 : 1; start <= lastStart; start++) {
            if (method == TokenMethod.EVIT) {
                for (int every : new int[] {3, 2}) {
                    List<Integer> at = new ArrayList<>();
                    for (int b = start; b < depth - 1; b += every) {
                        at.add(b);
                    }
                    if (!at.isEmpty()) {
                        TokenPlan p = evit(at, targetRatio);
                        if (p != null) {
                            out.add(p);
                        }
                    }
                }
            } else if (method == TokenMethod.SEMANTIC) {
                TokenPlan p = semantic(start, targetRatio);
                if (p != null) {
                    out.add(p);
                }
            } else {
                TokenPlan p = tome(start, targetRatio);
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The same keep rate at every site, the largest (by bisection) whose MACs meet the target. */
    TokenPlan evit(List<Integer> at, double target) {
        double lo = 0.0;
        double hi = 1.0;
        TokenPlan best = null;
        for (int i = 0; i < 30; i++) {
            double mid = (lo + hi) / 2;
            TokenPlan p = evitPlan(at, mid);
            if (cost.ratio(p) <= target) {
                best = p;
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return best;
    }

    /** EViT sites keeping {@code keepRate} of the image tokens entering each. */
    public TokenPlan evitPlan(List<Integer> at, double keepRate) {
        List<TokenSite> sites = new ArrayList<>();
        int n = cost.tokens();
        for (int b : at) {
            int keep = Math.max(1, (int) Math.round(keepRate * (n - 1)));
            sites.add(new TokenSite(b, keep));
            n = TokenMethod.EVIT.tokensAfter(n, keep);
        }
        return new TokenPlan(TokenMethod.EVIT, sites);
    }

    /** The smallest constant r from {@code start} that meets the target. */
    TokenPlan tome(int start, double target) {
        for (int r = 1; r < cost.tokens() / 2; r++) {
            TokenPlan p = tomePlan(start, r);
            if (cost.ratio(p) <= target) {
                return p;
            }
        }
        return null;
    }

    /** The most semantic tokens (a near-square grid, rows × rows or rows × (rows + 1)) at {@code depth} that meet the target. */
    TokenPlan semantic(int depth, double target) {
        TokenPlan best = null;
        int patches = cost.tokens() - 1;
        for (int rows = 1; rows * rows < patches; rows++) {
            for (int k : new int[] {rows * rows, rows * (rows + 1)}) {
                if (k >= patches) {
                    continue;
                }
                TokenPlan p = semanticPlan(depth, k);
                if (cost.ratio(p) <= target && (best == null || k > best.sites().get(0).count())) {
                    best = p;
                }
            }
        }
        return best;
    }

    /** Semantic tokens: {@code k} of them after block {@code depth}. */
    public TokenPlan semanticPlan(int depth, int k) {
        return new TokenPlan(TokenMethod.SEMANTIC, List.of(new TokenSite(depth, k)));
    }

    /** ToMe merging {@code r} pairs in every block from {@code start}. */
    public TokenPlan tomePlan(int start, int r) {
        List<TokenSite> sites = new ArrayList<>();
        for (int b = start; b < cost.blocks(); b++) {
            sites.add(new TokenSite(b, r));
        }
        return new TokenPlan(TokenMethod.TOME, sites);
    }
}
