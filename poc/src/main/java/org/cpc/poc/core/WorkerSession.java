package org.cpc.poc.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** A connected worker, as the {@link PocMachine} sees it. */
public final class WorkerSession {
    final long id;
    final byte[] nonce;
    final long connectedAtMs;
    long lastSeenMs;
    /** Null until the worker answered the challenge. */
    String address;
    /** The key that signed the challenge: results must recover to it (cheaper than deriving the address). */
    byte[] publicKey;
    int maxJobs;
    String backend = "";
    String device = "";
    double gops;
    long accepted;
    long rejected;
    /** Jobs handed to this worker, by job id, in hand-out order. */
    final Map<String, Assignment> inflight = new LinkedHashMap<>();

    WorkerSession(long id, byte[] nonce, long nowMs) {
        this.id = id;
        this.nonce = nonce;
        this.connectedAtMs = nowMs;
        this.lastSeenMs = nowMs;
    }

    boolean authenticated() {
        return address != null;
    }

    boolean hasRoom() {
        return inflight.size() < maxJobs;
    }

    public String address() {
        return address;
    }
}
