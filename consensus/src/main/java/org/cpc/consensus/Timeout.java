package org.cpc.consensus;

/**
 * A timeout the state machine asked for; the driver hands it back through {@link TendermintMachine#onTimeout} when
 * it fires. {@code step} is the step it guards: PROPOSE, PREVOTE, PRECOMMIT, or NEW_HEIGHT (the commit timeout that
 * paces block time before round 0 of {@code height} starts). Stale timeouts are ignored, so drivers never cancel.
 */
public record Timeout(Step step, long height, int round) {}
