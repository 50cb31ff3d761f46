package io.vitshrink.workbench.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The product of every axis of every step of a chain: one list of {@link Step}s per combination, first axis slowest. */
final class GridExpansion {

    private GridExpansion() {
    }

    static List<List<Step>> expand(List<StepGrid> chain) {
        List<List<Map<String, String>>> partial = new ArrayList<>();
        partial.add(new ArrayList<>());
        for (StepGrid g : chain) {
            List<Map<String, String>> combos = new ArrayList<>();
            combos.add(new LinkedHashMap<>());
            for (Map.Entry<String, List<String>> axis : g.axes().entrySet()) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> c : combos) {
                    for (String v : axis.getValue()) {
                        Map<String, String> m = new LinkedHashMap<>(c);
                        m.put(axis.getKey(), v);
                        next.add(m);
                    }
                }
                combos = next;
            }
            List<List<Map<String, String>>> grown = new ArrayList<>();
            for (List<Map<String, String>> p : partial) {
                for (Map<String, String> c : combos) {
                    List<Map<String, String>> q = new ArrayList<>(p);
                    q.add(c);
                    grown.add(q);
                }
            }
            partial = grown;
        }
        List<List<Step>> out = new ArrayList<>();
        for (List<Map<String, String>> p : partial) {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                StepKind kind = chain.get(i).kind();
                steps.add(new Step(kind, kind.canonical(p.get(i))));
            }
            out.add(steps);
        }
        return out;
    }
}
