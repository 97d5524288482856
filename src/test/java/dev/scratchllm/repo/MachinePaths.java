// Finds absolute paths of a particular machine or user in text: a project folder at the root
// (the "work" folder), a home folder (root's, one under "home" or "Users", a Windows user folder),
// or a named file in the system's temporary folder ("tmp").
// It does not: flag system locations every Debian machine has (/usr/bin/python3,
// /usr/lib/x86_64-linux-gnu/…, /proc/cpuinfo), relative paths, or "~/…" and "$VAR/…" forms,
// which speak of the reader's machine, not ours.
package dev.scratchllm.repo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scans text for absolute paths that name one machine's folders or files. */
public final class MachinePaths {
    /** What may stand before a path's leading slash: not part of a word, URL, "~" or "$VAR" form. */
    private static final String START = "(?<![A-Za-z0-9_.~$}\\-/])";

    private static final Pattern PATH = Pattern.compile(
            START + "/(?:" + "work|root" + ")/[^\\s\"'`)\\],;]*"
            + "|" + START + "/(?:" + "home|Users" + ")/[A-Za-z0-9_.-]+[^\\s\"'`)\\],;]*"
            + "|" + START + "/" + "tmp" + "/[A-Za-z0-9_.-]+[^\\s\"'`)\\],;]*"
            + "|(?<![A-Za-z])[A-Za-z]:(?:\\\\\\\\|\\\\)" + "Users" + "(?:\\\\\\\\|\\\\)[^\\s\"'`]*");

    /** Fixed names in the temporary folder that belong to a tool, not to a machine (JMH's lock file). */
    private static final Set<String> ALLOWED = Set.of("/" + "tmp/jmh.lock");

    /** One hit: the line number (from 1) and the path as written. */
    public record Hit(int line, String path) {
        @Override
        public String toString() {
            return "line " + line + ": " + path;
        }
    }

    private MachinePaths() {
    }

    /**
     * The machine paths in {@code text}, in order.
     *
     * @param text the text to scan
     * @return the hits, empty when there are none
     */
    public static List<Hit> find(String text) {
        List<Hit> hits = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = PATH.matcher(lines[i]);
            while (m.find()) {
                String p = m.group();
                if (!ALLOWED.contains(p)) hits.add(new Hit(i + 1, p));
            }
        }
        return hits;
    }
}
