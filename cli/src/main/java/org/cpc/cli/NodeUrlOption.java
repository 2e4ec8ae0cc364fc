package org.cpc.cli;

import org.cpc.client.NodeClient;
import picocli.CommandLine.Option;

/** {@code --node URL}: which node a command talks to. */
final class NodeUrlOption {
    static final String DEFAULT = "http://127.0.0.1:8000";

    @Option(names = "--node", paramLabel = "URL", defaultValue = DEFAULT,
            description = "Node REST URL (default: ${DEFAULT-VALUE}).")
    String url;

    NodeClient client() {
        return new NodeClient(url);
    }
}
