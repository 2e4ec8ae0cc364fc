package org.cpc.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this JVM's class path, its stdout and stderr appended to a log file so that a failing run can
 * show what the child said. {@link #kill()} is {@code kill -9}: no shutdown hook runs, as in a power cut;
 * {@link #pause()} and {@link #resume()} are {@code kill -STOP} and {@code kill -CONT}, a process frozen as a
 * long GC pause or an overloaded host freezes it.
 */
public final class ChildJvm implements AutoCloseable {
    /** Bounds {@link #errors()}: a node that warns on every height would otherwise bury the assertion. */
    private static final int MAX_NOTABLE = 80;

    /** How long a SIGTERM'd or SIGKILL'd child may take to be gone. */
    private static final long EXIT_WAIT_S = 10;

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass args} in a JVM with the flags the tests run under, a small heap and {@code log}. */
    public static ChildJvm start(Path log, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx384m",
                "-XX:+UseSerialGC",
                // The child logs as the installed command does, not as quietly as the tests' logback-test.xml.
                "-Dlogback.configurationFile=cpc-child-logback.xml",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        try {
            Files.writeString(log, "---- start " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM: " + e.getMessage(), e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS);
    }

    /** SIGTERM (the child's shutdown hooks run), then SIGKILL if it is still up after 10 s. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS)) kill();
    }

    /** SIGSTOP: the process stops dead, its sockets stay open and unread. */
    public void pause() throws InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws InterruptedException {
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!k.waitFor(EXIT_WAIT_S, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name + ": " + e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of the child's output, every run appended to this log included. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * The lines a tail may have cut that explain a failure: every ERROR line with the line after it (an exception's
     * message), every WARN line and every ban, the last {@link #MAX_NOTABLE} of them.
     */
    public String errors() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            ArrayDeque<String> out = new ArrayDeque<>();
            for (int i = 0; i < all.size(); i++) {
                String line = all.get(i);
                boolean error = line.contains(" ERROR ");
                if (!error && !line.contains(" WARN ") && !line.contains(" banned ")) continue;
                out.add(error && i + 1 < all.size() ? line + "\n" + all.get(i + 1) : line);
                if (out.size() > MAX_NOTABLE) out.removeFirst();
            }
            return out.isEmpty() ? "" : String.join("\n", out) + "\n";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // A stopped process ignores SIGTERM until continued; SIGKILL ends it either way.
            kill();
        }
    }
}
