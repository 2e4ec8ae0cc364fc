package org.cpc.worker;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What a person watching the worker sees. On a terminal: one status line redrawn in place, with messages printed
 * above it. Elsewhere (a log file, a service manager): plain timestamped lines, no control characters. Thread-safe.
 */
public final class StatusReporter {
    private static final String CLEAR_LINE = "\r\033[2K";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final boolean terminal;
    private String lastLine = "";

    public StatusReporter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether this process talks to an interactive terminal, where a line can be redrawn in place. */
    public static boolean onTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    public boolean terminal() {
        return terminal;
    }

    /** A message worth its own line: a submission, an acceptance, an outage. */
    public synchronized void event(String message) {
        if (terminal) {
            out.print(CLEAR_LINE + message + "\n" + lastLine);
        } else {
            out.println(LocalTime.now().format(TIME) + " " + message);
        }
        out.flush();
    }

    /** The live status; only drawn on a terminal, where it replaces the previous one. */
    public synchronized void status(WorkerStatus s) {
        statusLine(s.line());
    }

    /** The live status as a ready line (pool mode has its own). */
    public synchronized void statusLine(String line) {
        lastLine = line;
        if (terminal) {
            out.print(CLEAR_LINE + lastLine);
            out.flush();
        }
    }

    /** Leaves the final status on its own line, for the scrollback and for logs. */
    public synchronized void finish(WorkerStatus s) {
        finishLine(s.line());
    }

    /** Like {@link #finish(WorkerStatus)} with a ready line. */
    public synchronized void finishLine(String line) {
        lastLine = "";
        if (terminal) out.print(CLEAR_LINE);
        event("stopped: " + line);
    }
}
