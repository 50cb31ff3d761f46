package io.vitshrink.workbench.store;

/** How a run ended: {@code ok} (metrics recorded) or {@code failed} (its error recorded; retried by the next sweep). */
public enum RunStatus {
    OK, FAILED;

    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunStatus fromDb(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
