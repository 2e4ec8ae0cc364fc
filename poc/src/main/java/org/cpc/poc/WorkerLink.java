package org.cpc.poc;

/** One connected worker's channel, as the {@link Market} sees it: send a text message, hang up. */
public interface WorkerLink {
    /** Sends without blocking; a failure closes the link. */
    void send(String text);

    void close(int code, String reason);
}
