package org.cpc.cli;

import picocli.CommandLine;

/** A command that only holds subcommands ({@code cpc keys}, {@code cpc task}, ...): run alone, it prints its usage. */
abstract class GroupCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
