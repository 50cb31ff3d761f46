package io.vitshrink.workbench.store;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a run was made with (library versions) and where (the machine): stored with every run. */
public final class Provenance {

    private Provenance() {
    }

    public static Map<String, String> versions(String vitshrinkVersion) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("vitshrink", vitshrinkVersion);
        v.put("java", System.getProperty("java.version"));
        // read from the build (not by asking ONNX Runtime, which would load its native library just for this)
        try (java.io.InputStream in = Provenance.class.getResourceAsStream("library-versions.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            new java.util.TreeMap<>(p).forEach((k, val) -> v.put(k.toString(), val.toString()));
        } catch (java.io.IOException e) {
            v.put("libraries", "unknown: " + e.getMessage());
        }
        return v;
    }

    public static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("max_heap_bytes", Long.toString(Runtime.getRuntime().maxMemory()));
        m.put("host", host());
        return m;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
