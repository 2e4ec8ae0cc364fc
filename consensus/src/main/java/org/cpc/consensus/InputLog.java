package org.cpc.consensus;

import java.util.List;

/**
 * The write-ahead log of one height's consensus inputs ({@link ConsensusDriver} writes, a restarted driver replays).
 * {@link FileWal} keeps it on disk; {@link #NONE} keeps nothing (simulations, non-validators).
 */
public interface InputLog<B> {
    /**
     * Appends {@code input} (buffered, not yet fsynced). Returns false, writing nothing, for a peer's message
     * when the height's log is at its cap or the message is too large to log. The driver then drops a proposal or
     * vote as if the network had lost it (safety never depends on delivery; gossip resends it) and applies a
     * decision unlogged (a decision either ends the height, so nothing of it needs replaying, or is ignored; it never
     * makes the machine sign). Inputs of this validator and its application are always written.
     */
    boolean append(ConsensusInput<B> input);

    /** Makes everything appended durable. Called before any own message leaves the process. */
    void sync();

    /**
     * Starts the log of a new height: {@code start}, then the messages of that height received while the machine
     * was still at the previous one (the machine buffered them and applies them on entering it). Durable on return.
     */
    void newHeight(ConsensusInput.Start<B> start, List<ConsensusMessage> buffered);

    /** The inputs of the height now logged, in order (empty if none), for replay. */
    List<ConsensusInput<B>> inputs();

    /** A log that keeps nothing: replay then starts from scratch (simulations, tests). */
    static <B> InputLog<B> none() {
        return new InputLog<>() {
            @Override
            public boolean append(ConsensusInput<B> input) {
                return true;
            }

            @Override
            public void sync() {}

            @Override
            public void newHeight(ConsensusInput.Start<B> start, List<ConsensusMessage> buffered) {}

            @Override
            public List<ConsensusInput<B>> inputs() {
                return List.of();
            }
        };
    }
}
