package org.cpc.consensus;

/** Where a validator is inside a height: waiting to start it (after a commit), then the three steps of a round. */
public enum Step {
    NEW_HEIGHT,
    PROPOSE,
    PREVOTE,
    PRECOMMIT
}
