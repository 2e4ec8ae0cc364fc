package org.cpc.consensus;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>Crash safety: every input the machine consumes is appended to an {@link InputLog} (the WAL) before it is
 * applied, and the log is fsynced before any own message is sent; a restarted driver {@link #replay}s the log of its
 * height into a fresh machine, whose signer ({@link GuardedSigner}) hands back the signatures it gave before.
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
    private final InputLog<B> log;
    /** Messages of the next height fed to the machine (which buffers them): they open that height's log. */
    private final List<ConsensusMessage> nextHeight = new ArrayList<>();
    private final Set<String> syncAsked = new HashSet<>();
    private final Set<String> syncServed = new HashSet<>();

    public ConsensusDriver(TendermintMachine<B> machine, Application<B> app, Transport transport, Timers timers,
            EvidenceSink evidence) {
        this(machine, app, transport, timers, evidence, InputLog.none());
    }

    public ConsensusDriver(TendermintMachine<B> machine, Application<B> app, Transport transport, Timers timers,
            EvidenceSink evidence, InputLog<B> log) {
        this.machine = Objects.requireNonNull(machine);
        this.app = Objects.requireNonNull(app);
        this.transport = Objects.requireNonNull(transport);
        this.timers = Objects.requireNonNull(timers);
        this.evidence = Objects.requireNonNull(evidence);
        this.log = Objects.requireNonNull(log);
    }

    public TendermintMachine<B> machine() {
        return machine;
    }

    public void start(long height) {
        start(height, 0);
    }

    /** Starts a fresh height (round 0 after {@code delayMs}), beginning its log. */
    public void start(long height, long delayMs) {
        ConsensusInput.Start<B> s = new ConsensusInput.Start<>(height, delayMs);
        log.newHeight(s, List.of());
        run(s.applyTo(machine));
    }

    /**
     * Rebuilds the machine's state at a height from its logged inputs (the first is its {@link ConsensusInput.Start})
     * and resumes: the actions the inputs produce are performed once all are applied — own messages are sent again
     * (the guarded signer returns the same signatures), timeouts scheduled again (stale ones are ignored) — except
     * requests to the application that the log already answers. Inputs are not logged again; new ones append.
     */
    public void replay(List<ConsensusInput<B>> inputs) {
        if (inputs.isEmpty() || !(inputs.getFirst() instanceof ConsensusInput.Start<B>)) {
            throw new IllegalArgumentException("a replayed log must begin with a start record");
        }
        List<Action<B>> pending = new ArrayList<>();
        for (ConsensusInput<B> in : inputs) {
            switch (in) {
                case ConsensusInput.ProposalValue<B> p -> pending.removeIf(a -> a instanceof Action.RequestProposal<B> r
                        && r.height() == p.height() && r.round() == p.round());
                case ConsensusInput.Validity<B> v -> pending.removeIf(a -> a instanceof Action.RequestValidation<B> r
                        && r.height() == v.height() && r.blockHash().equals(v.blockHash()));
                case ConsensusInput.Received<B> r -> noteNextHeight(r.message());
                case ConsensusInput.Start<B> s -> { }
                case ConsensusInput.TimeoutFired<B> t -> { }
            }
            pending.addAll(in.applyTo(machine));
        }
        run(pending);
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
        if (m.height() > h) {
            // The peer is ahead: ask it for the decision of our height, from one peer per tick. A validator that
            // fell behind would also get it by voting (the peer answers old votes with the decision), but a node
            // that does not vote at this height (a follower, a validator outside this height's set) only this way.
            if (syncAsked.add("h/" + h)) transport.requestDecision(from, h);
            if (m.height() > h + 1) return;
        }
        apply(new ConsensusInput.Received<>(m));
    }

    public void onDecisionRequest(String from, long height) {
        if (height < machine.height()) app.committed(height).ifPresent(d -> transport.send(from, d));
    }

    public void onTimeout(Timeout t) {
        apply(new ConsensusInput.TimeoutFired<>(t));
    }

    /** Re-sends what peers may have lost; clears the once-per-tick limits of block sync. */
    public void gossipTick() {
        syncAsked.clear();
        syncServed.clear();
        List<ConsensusMessage> again = machine.gossip();
        if (!again.isEmpty()) makeDurable();
        for (ConsensusMessage m : again) transport.broadcast(m);
    }

    /**
     * Before an own message leaves: the inputs that led to it are in the log, and the signatures in it are in the
     * signer's record, both on disk. Each is one fsync when something was written since the last, none otherwise.
     */
    private void makeDurable() {
        log.sync();
        Signer s = machine.signer();
        if (s != null) s.sync();
    }

    /** Logs {@code in}, then applies it; see {@link InputLog#append} for a peer message the log refuses. */
    private void apply(ConsensusInput<B> in) {
        boolean logged = log.append(in);
        if (!logged && !(in instanceof ConsensusInput.Received<B> r && r.message() instanceof Decision<?>)) return;
        if (in instanceof ConsensusInput.Received<B> r) noteNextHeight(r.message());
        run(in.applyTo(machine));
    }

    private List<Action<B>> applyLogged(ConsensusInput<B> in) {
        if (!log.append(in)) throw new IllegalStateException("the WAL refused an application answer");
        return in.applyTo(machine);
    }

    private void noteNextHeight(ConsensusMessage m) {
        // Mirrors the machine's own buffer of next-height messages (same kinds, same bound).
        if (m.height() == machine.height() + 1 && !(m instanceof Decision<?>)
                && nextHeight.size() < TendermintMachine.MAX_FUTURE_MESSAGES) {
            nextHeight.add(m);
        }
    }

    private void run(List<Action<B>> first) {
        Deque<Action<B>> queue = new ArrayDeque<>(first);
        while (!queue.isEmpty()) {
            Action<B> a = queue.poll();
            switch (a) {
                case Action.BroadcastProposal<B> p -> {
                    makeDurable();
                    transport.broadcast(p.proposal());
                }
                case Action.BroadcastVote<B> v -> {
                    makeDurable();
                    transport.broadcast(v.vote());
                }
                case Action.ScheduleTimeout<B> t -> timers.schedule(t.timeout(), t.delayMs());
                case Action.RequestProposal<B> r -> {
                    B block = app.propose(r.height(), r.round(), r.proposerAddress(), timers.nowMs(), r.lastCommit());
                    queue.addAll(applyLogged(new ConsensusInput.ProposalValue<>(r.height(), r.round(), block)));
                }
                case Action.PrepareProposal<B> p -> app.prepare(p.height(), p.proposerAddress(), timers.nowMs(),
                        p.lastCommit());
                case Action.RequestValidation<B> r -> queue.addAll(applyLogged(
                        new ConsensusInput.Validity<>(r.height(), r.blockHash(), app.validate(r.height(), r.block()))));
                case Action.Commit<B> c -> {
                    app.commit(c.height(), c.block(), c.certificate());
                    // The machine entered the next height as start(h + 1, commit timeout) would, then applied the
                    // messages it had buffered: that is the next height's log. The old one is no longer needed.
                    log.newHeight(new ConsensusInput.Start<>(c.height() + 1, machine.timeouts().commit()),
                            List.copyOf(nextHeight));
                    nextHeight.clear();
                }
                case Action.RecordEvidence<B> e -> evidence.record(e.evidence());
            }
        }
    }
}
