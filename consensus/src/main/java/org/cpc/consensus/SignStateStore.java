package org.cpc.consensus;

import java.util.Optional;

/** Where {@link GuardedSigner} keeps its {@link SignState}. */
public interface SignStateStore {
    /** The state saved last, or empty for a validator that has never signed; throws if it cannot be read. */
    Optional<SignState> load();

    /** Saves {@code state} durably (on disk, fsynced) before returning: a signature leaves only after this. */
    void save(SignState state);
}
