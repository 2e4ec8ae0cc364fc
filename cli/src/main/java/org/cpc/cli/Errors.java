package org.cpc.cli;

import java.io.PrintWriter;
import org.cpc.protocol.keys.KeyringException;
import picocli.CommandLine;

/** Turns exceptions into one clear line on stderr and an exit code; stack traces only with CPC_DEBUG=1. */
final class Errors {
    private Errors() {}

    /** An error whose message is already meant for a person, with the exit code it should produce. */
    static final class CliException extends RuntimeException {
        final int exitCode;

        CliException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** A usage error (exit code {@link Cpc#EXIT_USAGE}) saying {@code message} unless {@code ok}. */
    static void usageUnless(boolean ok, String message) {
        if (!ok) throw new CliException(Cpc.EXIT_USAGE, message);
    }

    static int exitCode(Throwable t) {
        if (t instanceof CliException c) return c.exitCode;
        if (t instanceof KeyringException) return Cpc.EXIT_KEY;
        if (t instanceof org.cpc.poc.MarketClient.MarketException) return Cpc.EXIT_FAILED;
        if (t instanceof CommandLine.ParameterException) return Cpc.EXIT_USAGE;
        if (t instanceof IllegalArgumentException) return Cpc.EXIT_USAGE;
        return Cpc.EXIT_FAILED;
    }

    static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String msg = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        err.println(cl.getColorScheme().errorText("error: " + msg));
        if ("1".equals(System.getenv("CPC_DEBUG"))) e.printStackTrace(err);
        err.flush();
        return exitCode(e);
    }
}
