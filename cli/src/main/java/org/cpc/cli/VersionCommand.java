package org.cpc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version of cpc, the protocol and the Java runtime.")
final class VersionCommand implements Runnable {
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }

    static String[] lines() {
        String v = Cpc.class.getPackage().getImplementationVersion();
        return new String[] {
            "cpc " + (v != null ? v : "(development build)"),
            "protocol v1",
            "java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
        };
    }

    @Override
    public void run() {
        for (String l : lines()) System.out.println(l);
    }
}
