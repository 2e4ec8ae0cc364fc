package org.cpc.consensus;

import java.util.List;
import java.util.Objects;

/**
 * One input the state machine consumes, as a value: what {@link ConsensusDriver} writes to the WAL
 * ({@link InputLog}) before applying it. The machine is pure, so applying the same inputs in the same order to a
 * fresh machine rebuilds the same state — round, step, lock, valid value — which is how a restarted validator
 * resumes a height ({@link ConsensusDriver#replay}).
 */
public sealed interface ConsensusInput<B> {
    /** The height the input belongs to (a message of the next height is buffered by the machine). */
    long height();

    List<Action<B>> applyTo(TendermintMachine<B> machine);

    /** {@link TendermintMachine#start(long, long)}: the first record of every height's WAL. */
    record Start<B>(long height, long delayMs) implements ConsensusInput<B> {
        public Start {
            if (height < 0 || delayMs < 0) throw new IllegalArgumentException("start height and delay must be >= 0");
        }

        @Override
        public List<Action<B>> applyTo(TendermintMachine<B> machine) {
            return machine.start(height, delayMs);
        }
    }

    /** A proposal, vote or decision received from a peer. */
    record Received<B>(ConsensusMessage message) implements ConsensusInput<B> {
        public Received {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public long height() {
            return message.height();
        }

        @Override
        public List<Action<B>> applyTo(TendermintMachine<B> machine) {
            return machine.onMessage(message);
        }
    }

    record TimeoutFired<B>(Timeout timeout) implements ConsensusInput<B> {
        public TimeoutFired {
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public long height() {
            return timeout.height();
        }

        @Override
        public List<Action<B>> applyTo(TendermintMachine<B> machine) {
            return machine.onTimeout(timeout);
        }
    }

    /** The application's block for this validator's proposal (not reproducible: it carries a timestamp). */
    record ProposalValue<B>(long height, int round, B block) implements ConsensusInput<B> {
        public ProposalValue {
            Objects.requireNonNull(block, "block");
        }

        @Override
        public List<Action<B>> applyTo(TendermintMachine<B> machine) {
            return machine.onProposalValue(height, round, block);
        }
    }

    /** The application's verdict on a block. */
    record Validity<B>(long height, String blockHash, boolean valid) implements ConsensusInput<B> {
        public Validity {
            Objects.requireNonNull(blockHash, "blockHash");
        }

        @Override
        public List<Action<B>> applyTo(TendermintMachine<B> machine) {
            return machine.onValidity(height, blockHash, valid);
        }
    }
}
