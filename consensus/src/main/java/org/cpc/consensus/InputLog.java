package org.cpc.consensus;

import java.util.List;

/**
 * The write-ahead log of one height's consensus inputs ({@link ConsensusDriver} writes, a restarted driver replays).
 * {@link FileWal} keeps it on disk; {@link #NONE} keeps nothing (simulations, non-validators).
 */
public interface InputLog<B> {
    /**
     * Appends {@code input} (buffered, not yet fsynced). Returns false, writing nothing, when the input is a peer's
     * proposal or vote and the height's log is at its cap: the driver then drops the message as if the network had
     * lost it (safety never depends on delivery; gossip resends it). Every other input is always written.
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
