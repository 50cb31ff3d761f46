package io.vitshrink.workbench.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitshrink.onnx.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQLite results database. One row per point key in {@code runs} (the latest attempt: a retried
 * failure is replaced by its success), its flat metrics also as rows of {@code metrics} for SQL queries.
 * Every {@link #put} is one transaction: SQLite's rollback journal (synchronous=FULL) makes a process
 * killed mid-write leave the database as it was before the run, so readers never see half a run.
 *
 * <p>Schema (version 1):
 * <pre>
 * runs(point_key PK, command, method, label, status 'ok'|'failed', error, attempts, model_path, model_sha256,
 *      settings_json, metrics_json, started_at, seconds, versions_json, machine_json, run_dir, sweep)
 * metrics(point_key, key, num, text)   -- one row per flat metric; num for numbers, text otherwise
 * </pre>
 * Not thread-safe by itself: the sweep serializes writes through one instance ({@code synchronized}).
 */
public final class RunStore implements AutoCloseable {
    /** Stored in SQLite's {@code user_version}; a newer file is refused instead of misread. */
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Connection db;
    private final Path file;

    private RunStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    /** Opens (creating if needed) a results database. */
    public static RunStore open(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserException("--db '" + file + "' is a folder; give the path of a results database file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserException("--db '" + file + "': the folder " + parent + " does not exist");
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 60000");
                s.execute("PRAGMA journal_mode = DELETE");
                s.execute("PRAGMA synchronous = FULL");
                int version;
                try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                    version = r.next() ? r.getInt(1) : 0;
                }
                if (version > SCHEMA_VERSION) {
                    c.close();
                    throw new UserException("--db '" + file + "' was written by a newer vitshrink (schema " + version
                            + "); use that version or another database file");
                }
                s.execute("CREATE TABLE IF NOT EXISTS runs (point_key TEXT PRIMARY KEY, command TEXT NOT NULL, method TEXT,"
                        + " label TEXT, status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), error TEXT,"
                        + " attempts INTEGER NOT NULL, model_path TEXT, model_sha256 TEXT, settings_json TEXT NOT NULL,"
                        + " metrics_json TEXT NOT NULL, started_at TEXT NOT NULL, seconds REAL, versions_json TEXT,"
                        + " machine_json TEXT, run_dir TEXT, sweep TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS metrics (point_key TEXT NOT NULL REFERENCES runs(point_key),"
                        + " key TEXT NOT NULL, num REAL, text TEXT, PRIMARY KEY (point_key, key))");
                s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
            }
            return new RunStore(c, file);
        } catch (SQLException e) {
            throw new UserException("--db '" + file + "' cannot be opened as a results database: " + oneLine(e), e);
        }
    }

    public Path file() {
        return file;
    }

    /** The folder beside the database where run folders live: {@code results.db} → {@code results.db.runs/}. */
    public Path runsFolder() {
        return file.toAbsolutePath().resolveSibling(file.getFileName() + ".runs");
    }

    /** Writes a run (replacing the point's previous attempt) in one transaction. */
    public synchronized void put(RunRecord r) {
        try {
            db.setAutoCommit(false);
            try {
                write(r);
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new UserException("cannot write to '" + file + "': " + oneLine(e), e);
        }
    }

    private void write(RunRecord r) throws SQLException {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM metrics WHERE point_key = ?")) {
            del.setString(1, r.key());
            del.executeUpdate();
        }
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO runs (point_key, command, method, label,"
                + " status, error, attempts, model_path, model_sha256, settings_json, metrics_json, started_at, seconds,"
                + " versions_json, machine_json, run_dir, sweep) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            p.setString(i++, r.key());
            p.setString(i++, r.command());
            p.setString(i++, r.method());
            p.setString(i++, r.label());
            p.setString(i++, r.status().dbName());
            p.setString(i++, r.error());
            p.setInt(i++, r.attempts());
            p.setString(i++, r.modelPath());
            p.setString(i++, r.modelSha256());
            p.setString(i++, r.settingsJson());
            p.setString(i++, json(r.metrics()));
            p.setString(i++, r.startedAt().toString());
            p.setDouble(i++, r.seconds());
            p.setString(i++, json(r.versions()));
            p.setString(i++, json(r.machine()));
            p.setString(i++, r.runDir());
            p.setString(i, r.sweep());
            p.executeUpdate();
        }
        try (PreparedStatement m = db.prepareStatement("INSERT INTO metrics (point_key, key, num, text) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                m.setString(1, r.key());
                m.setString(2, e.getKey());
                if (e.getValue() instanceof Number n) {
                    m.setDouble(3, n.doubleValue());
                    m.setNull(4, java.sql.Types.VARCHAR);
                } else {
                    m.setNull(3, java.sql.Types.REAL);
                    m.setString(4, e.getValue() == null ? null : e.getValue() instanceof String s ? s : json(e.getValue()));
                }
                m.addBatch();
            }
            m.executeBatch();
        }
    }

    /** The run of a point, if recorded. */
    public synchronized Optional<RunRecord> get(String key) {
        List<RunRecord> l = query("WHERE point_key = ?", key);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** Every run, ordered by start time then key (a stable order for reports and comparisons). */
    public synchronized List<RunRecord> all() {
        return query("ORDER BY started_at, point_key");
    }

    private List<RunRecord> query(String where, String... args) {
        try (PreparedStatement p = db.prepareStatement("SELECT point_key, command, method, label, status, error, attempts,"
                + " model_path, model_sha256, settings_json, metrics_json, started_at, seconds, versions_json, machine_json,"
                + " run_dir, sweep FROM runs " + where)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            List<RunRecord> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new RunRecord(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            RunStatus.fromDb(r.getString(5)), r.getString(6), r.getInt(7), r.getString(8), r.getString(9),
                            r.getString(10), map(r.getString(11)), Instant.parse(r.getString(12)), r.getDouble(13),
                            strings(r.getString(14)), strings(r.getString(15)), r.getString(16), r.getString(17)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new UserException("cannot read '" + file + "': " + oneLine(e), e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> map(String s) {
        try {
            return s == null ? Map.of() : JSON.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserException("a run's metrics in the results database are not JSON: " + e.getOriginalMessage());
        }
    }

    private static Map<String, String> strings(String s) {
        try {
            return s == null ? Map.of() : JSON.readValue(s, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserException("a run's provenance in the results database is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replace('\n', ' ');
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new UserException("cannot close '" + file + "': " + oneLine(e), e);
        }
    }
}
