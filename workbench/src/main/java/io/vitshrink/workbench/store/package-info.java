/**
 * The results store: an embedded SQLite database ({@code --db FILE}) holding one row per run — the input
 * model (path, SHA-256), the canonical settings, flat metrics (the same keys as the command's
 * {@code --json}), timings, library versions and the machine — written in one transaction, plus the
 * run's files in a run folder beside the database. {@link io.vitshrink.workbench.store.RunStore} is the
 * only class that speaks SQL.
 */
package io.vitshrink.workbench.store;
