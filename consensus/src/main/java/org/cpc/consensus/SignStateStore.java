package org.cpc.consensus;

import java.util.Optional;

/** Where {@link GuardedSigner} keeps its {@link SignState}. */
public interface SignStateStore {
    /** The state saved last, or empty for a validator that has never signed; throws if it cannot be read. */
    Optional<SignState> load();

    /** Writes {@code state}; durable once {@link #sync} returns, and a signature leaves only after that. */
    void save(SignState state);

    /** Makes every state saved so far durable (fsynced). */
    default void sync() {}
}
