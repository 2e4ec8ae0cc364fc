package org.cpc.node.net;

import java.nio.file.Path;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.PeerNetwork;

/** Creates the node's P2P network (not yet started) with its node key in {@code keyDir}. */
@FunctionalInterface
public interface NetworkOpener {
    /** @param password of the data dir's keys; the node key is stored encrypted with it (created on first start) */
    PeerNetwork open(P2pConfig config, Path keyDir, char[] password, MessageHandler handler);
}
