package org.cpc.consensus;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a {@link TendermintMachine} against the outside world: executes its {@link Action}s on an
 * {@link Application}, a {@link Transport} and {@link Timers}, and feeds the answers back. The simulation drives
 * it with a virtual network and clock; the node will drive it with P2P and a scheduler, from one thread (an actor:
 * every input — message, timeout, gossip tick — is queued and handled in order). Not thread-safe.
 *
 * <p>Block sync seam: a message from a peer that is behind (its height is below ours) is answered with the
 * {@link Decision} of that height, from {@link Application#committed}; a message from a peer that is ahead makes
 * us ask it for the decision of our height ({@link Transport#requestDecision}), once per gossip tick.
 */
public final class ConsensusDriver<B> {
    /** How the driver reaches the other validators. */
    public interface Transport {
        void broadcast(ConsensusMessage m);

        void send(String peer, ConsensusMessage m);

        /** Ask {@code peer} for the decision of {@code height}; it answers through {@link #onDecisionRequest}. */
        void requestDecision(String peer, long height);
    }

    /** Virtual or real time. */
    public interface Timers {
        long nowMs();

        /** Call {@link ConsensusDriver#onTimeout} with {@code t} after {@code delayMs}. Stale ones are harmless. */
        void schedule(Timeout t, long delayMs);
    }

    /** Where equivocation evidence goes (the node: a pool that gossips it and puts it into blocks). */
    public interface EvidenceSink {
        void record(DuplicateVoteEvidence evidence);
    }

    private final TendermintMachine<B> machine;
    private final Application<B> app;
    private final Transport transport;
    private final Timers timers;
    private final EvidenceSink evidence;
    private final Set<String> syncAsked = new HashSet<>();
    private final Set<String> syncServed = new HashSet<>();

    public ConsensusDriver(TendermintMachine<B> machine, Application<B> app, Transport transport, Timers timers,
            EvidenceSink evidence) {
        this.machine = Objects.requireNonNull(machine);
        this.app = Objects.requireNonNull(app);
        this.transport = Objects.requireNonNull(transport);
        this.timers = Objects.requireNonNull(timers);
        this.evidence = Objects.requireNonNull(evidence);
    }

    public TendermintMachine<B> machine() {
        return machine;
    }

    public void start(long height) {
        run(machine.start(height));
    }

    public void onMessage(String from, ConsensusMessage m) {
        long h = machine.height();
        if (m.height() < h && !(m instanceof Decision<?>)) {
            // The peer is behind: serve it the decision of its height (once per tick per peer and height).
            if (syncServed.add(from + "/" + m.height())) {
                app.committed(m.height()).ifPresent(d -> transport.send(from, d));
            }
            return;
        }
        if (m.height() > h + 1 || (m.height() == h + 1 && m instanceof Decision<?>)) {
            if (syncAsked.add(from + "/" + h)) transport.requestDecision(from, h);
            if (m.height() > h + 1) return;
        }
        run(machine.onMessage(m));
    }

    public void onDecisionRequest(String from, long height) {
        if (height < machine.height()) app.committed(height).ifPresent(d -> transport.send(from, d));
    }

    public void onTimeout(Timeout t) {
        run(machine.onTimeout(t));
    }

    /** Re-sends what peers may have lost; clears the once-per-tick limits of block sync. */
    public void gossipTick() {
        syncAsked.clear();
        syncServed.clear();
        for (ConsensusMessage m : machine.gossip()) transport.broadcast(m);
    }

    private void run(List<Action<B>> first) {
        Deque<Action<B>> queue = new ArrayDeque<>(first);
        while (!queue.isEmpty()) {
            Action<B> a = queue.poll();
            switch (a) {
                case Action.BroadcastProposal<B> p -> transport.broadcast(p.proposal());
                case Action.BroadcastVote<B> v -> transport.broadcast(v.vote());
                case Action.ScheduleTimeout<B> t -> timers.schedule(t.timeout(), t.delayMs());
                case Action.RequestProposal<B> r -> {
                    B block = app.propose(r.height(), r.round(), r.proposerAddress(), timers.nowMs());
                    queue.addAll(machine.onProposalValue(r.height(), r.round(), block));
                }
                case Action.RequestValidation<B> r ->
                        queue.addAll(machine.onValidity(r.height(), r.blockHash(), app.validate(r.height(), r.block())));
                case Action.Commit<B> c -> app.commit(c.height(), c.block(), c.certificate());
                case Action.RecordEvidence<B> e -> evidence.record(e.evidence());
            }
        }
    }
}
