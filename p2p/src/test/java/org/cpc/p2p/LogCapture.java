package org.cpc.p2p;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The network's log lines, to check that a refusal or ban happened for the stated reason. Tests run in parallel
 * and share the logger, so lookups filter by the node's log tag (its id's first 8 hex digits).
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(TcpPeerNetwork.class);

    LogCapture() {
        setName("capture-" + System.identityHashCode(this));
        start();
        logger.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
        lines.add(e.getFormattedMessage());
    }

    /** Whether the node with this id logged a line containing every one of {@code parts}. */
    boolean logged(String nodeId, String... parts) {
        String tag = "[" + nodeId.substring(0, 8) + "]";
        return lines.stream().anyMatch(l -> {
            if (!l.startsWith(tag)) return false;
            for (String p : parts) if (!l.contains(p)) return false;
            return true;
        });
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
