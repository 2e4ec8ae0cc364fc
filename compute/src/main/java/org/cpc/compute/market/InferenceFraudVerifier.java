package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.UnitLeaf;
import org.cpc.compute.market.DisputedJob.Refused;
import org.cpc.compute.market.InferenceFraudProof.Chunk;
import org.cpc.compute.market.InferenceFraudProof.Claim;
import org.cpc.compute.market.InferenceFraudProof.RowOpening;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;

/**
 * Judges an {@link InferenceFraudProof} against what L1 holds: the task's inference payload (model_commitment,
 * input_root, samples, samples_per_job, sample_input_bytes) and the disputed job's result_hash. Pure and
 * deterministic (no I/O, no clock, no floating point): it checks every path, then recomputes the one entry —
 * an accumulator as Σ (x − zx)·(w − zw) + bias over the unit's patch, an output as the requantized accumulator, the
 * max of a MaxPool window or the value Flatten moves — exactly as docs/protocol.md states, and compares it with the
 * committed one. Work is bounded by the proof's carried bytes: at most {@link InferenceFraudProof#MAX_INPUT_CHUNKS}
 * input chunks and 16,384 weights; a value the entry reads outside the carried chunks makes the proof Malformed.
 */
public final class InferenceFraudVerifier {
    private InferenceFraudVerifier() {}

    /**
     * @param payload       the task's payload as stored on L1 (challenge type inference)
     * @param jobResultHash hex result_hash of job {@code proof.job()} as recorded on L1
     */
    public static FraudVerdict verify(InferenceFraudProof proof, JsonNode payload, String jobResultHash) {
        try {
            return check(proof, payload, jobResultHash);
        } catch (Refused r) {
            return new FraudVerdict.Malformed(r.getMessage());
        }
    }

    private static FraudVerdict check(InferenceFraudProof p, JsonNode payload, String jobResultHash) {
        InferenceChallenge.Spec s = DisputedJob.check(InferenceChallenge.INSTANCE, InferenceChallenge.Spec::of, payload,
                jobResultHash, p.job(), p.sample(), "sample", "run");
        int first = s.first(p.job());
        int n = s.count(p.job());
        int local = p.sample() - first;
        LayerHeader h;
        try {
            h = LayerHeader.decode(p.layerHeader());
        } catch (IllegalArgumentException e) {
            throw new Refused("layer_header is not a layer header: " + e.getMessage());
        }
        if (h.index() != p.layer()) {
            throw new Refused("layer_header is layer " + h.index() + "'s; the proof names layer " + p.layer());
        }
        byte[] model = Hex.decode(s.commitment());
        int[] sizes = {1 + h.units(), h.layers()};
        if (!same(InferenceCommitment.climb(Merkle.leafHash(p.layerHeader()), new int[] {0, p.layer()}, sizes,
                p.headerPath()), model)) {
            throw new Refused("header_path does not lead from layer_header (leaf 0 of layer " + p.layer()
                    + "'s tree, layer " + p.layer() + " of " + h.layers() + ") to the task's model_commitment");
        }
        if (p.entry() >= h.out().size()) {
            throw new Refused("entry " + p.entry() + " is not in layer " + p.layer() + "'s output (" + h.out().size()
                    + " values per sample)");
        }
        boolean accClaim = p.claim() == Claim.ACCUMULATOR;
        if (accClaim && !h.linear()) {
            throw new Refused("layer " + p.layer() + " is a " + h.kindName() + ": it has no accumulators to dispute");
        }
        String what = "an " + p.claim().wire() + " claim on a " + h.kindName() + " layer";
        present("unit", p.unit() != null, h.linear(), what);
        present("input", p.input() != null, accClaim || !h.linear(), what);
        present("acc", p.acc() != null, h.linear(), what);
        present("act", p.act() != null, !accClaim, what);

        Trace t = new Trace(p, Hex.decode(jobResultHash), h.layers(), n, local);
        UnitLeaf unit = h.linear() ? unit(p, h, model, sizes) : null;
        Integer acc = p.acc() == null ? null : t.accEntry(h, p.entry());
        Integer act = p.act() == null ? null : (int) t.actEntry(h, p.entry());
        Values in = p.input() == null ? null : input(p, h, s, t);
        if (accClaim) {
            int correct = h.kind() == LayerHeader.DENSE ? dense(h, unit, in) : conv(h, unit, in, p.entry());
            return verdict(acc, correct, "Σ (x − zx)·(w − zw) + bias");
        }
        return switch (h.kind()) {
            case LayerHeader.CONV, LayerHeader.DENSE -> verdict(act, unit.output(h, acc), "the requantized accumulator "
                    + acc);
            case LayerHeader.MAX_POOL -> verdict(act, maxPool(h, in, p.entry()), "the max of its window");
            default -> verdict(act, in.at(p.entry()), "the input value it flattens");
        };
    }

    private static FraudVerdict verdict(int claimed, int correct, String rule) {
        return claimed == correct ? new FraudVerdict.EntryRight(claimed, rule)
                : new FraudVerdict.EntryWrong(claimed, correct, rule);
    }

    private static void present(String field, boolean given, boolean needed, String what) {
        if (given && !needed) throw new Refused(field + " must be null for " + what);
        if (!given && needed) throw new Refused(field + " must be given for " + what);
    }

    private static UnitLeaf unit(InferenceFraudProof p, LayerHeader h, byte[] model, int[] sizes) {
        int o = p.entry() / h.out().plane();
        if (!same(InferenceCommitment.climb(Merkle.leafHash(p.unit()), new int[] {1 + o, p.layer()}, sizes,
                p.unitPath()), model)) {
            throw new Refused("unit_path does not lead from unit (output unit " + o + " of layer " + p.layer()
                    + ") to the task's model_commitment");
        }
        try {
            return UnitLeaf.decode(p.unit(), h.depth());
        } catch (IllegalArgumentException e) {
            throw new Refused("unit is not an output unit: " + e.getMessage());
        }
    }

    /** The opened rows of the job's trace: layer i's accumulators (part 0) or activations (part 1) of the sample. */
    private record Trace(InferenceFraudProof p, byte[] root, int layers, int samples, int local) {
        int accEntry(LayerHeader h, int entry) {
            byte[] chunk = single(p.acc(), "acc", 4 * h.out().size(), 4 * entry, 0, p.layer());
            int off = 4 * entry % TraceCommitment.CHUNK_BYTES;
            return (chunk[off] & 0xff) | (chunk[off + 1] & 0xff) << 8 | (chunk[off + 2] & 0xff) << 16 | chunk[off + 3] << 24;
        }

        byte actEntry(LayerHeader h, int entry) {
            return single(p.act(), "act", h.out().size(), entry, 1, p.layer())[entry % TraceCommitment.CHUNK_BYTES];
        }

        /** The one chunk of a row that holds the byte at {@code offset}, checked up to result_hash. */
        private byte[] single(RowOpening o, String field, int rowBytes, int offset, int part, int layer) {
            int want = offset / TraceCommitment.CHUNK_BYTES;
            if (o.chunks().getFirst().index() != want) {
                throw new Refused(field + " must open chunk " + want + " of its row, the one holding the entry");
            }
            open(o, field, rowBytes, new int[] {part, layer, local}, new int[] {2, layers, samples}, root);
            return o.chunks().getFirst().bytes();
        }
    }

    /**
     * Checks an opening: chunk indices ascending and inside the row, each chunk its size, every chunk path leading
     * to one row root, and the row path from it through the given trees to {@code root}.
     */
    private static void open(RowOpening o, String field, int rowBytes, int[] index, int[] size, byte[] root) {
        int chunks = TraceCommitment.byteChunks(rowBytes);
        byte[] rowRoot = null;
        int last = -1;
        for (int i = 0; i < o.chunks().size(); i++) {
            Chunk c = o.chunks().get(i);
            String at = field + ".chunks[" + i + "]";
            if (c.index() <= last) throw new Refused(field + ".chunks must be in ascending index order, each once");
            last = c.index();
            if (c.index() >= chunks) {
                throw new Refused(at + " is chunk " + c.index() + "; the row of " + rowBytes + " bytes has " + chunks);
            }
            int bytes = TraceCommitment.byteChunkSize(rowBytes, c.index());
            if (c.bytes().length != bytes) {
                throw new Refused(at + " is " + c.bytes().length + " bytes; chunk " + c.index() + " of a row of "
                        + rowBytes + " bytes is " + bytes);
            }
            byte[] r = Merkle.rootFromPath(Merkle.leafHash(c.bytes()), c.index(), chunks, c.path());
            if (r == null || (rowRoot != null && !same(r, rowRoot))) {
                throw new Refused(at + ".path does not lead to the row's root");
            }
            rowRoot = r;
        }
        if (!same(InferenceCommitment.climb(rowRoot, index, size, o.path()), root)) {
            throw new Refused(field + ".path does not lead from the row to the " + (size.length == 1
                    ? "task's input_root" : "job's result_hash"));
        }
    }

    /** The carried values of the layer's input row, read by index. */
    private record Values(RowOpening o, int rowBytes) {
        int at(int i) {
            int c = i / TraceCommitment.CHUNK_BYTES;
            for (Chunk k : o.chunks()) {
                if (k.index() == c) return k.bytes()[i % TraceCommitment.CHUNK_BYTES];
            }
            throw new Refused("the entry reads input value " + i + " in chunk " + c + ", which input does not carry");
        }
    }

    /** The layer's input row: layer 0's from the task's input (input_root), a later layer's from the trace. */
    private static Values input(InferenceFraudProof p, LayerHeader h, InferenceChallenge.Spec s, Trace t) {
        int rowBytes = h.in().size();
        if (p.layer() == 0) {
            if (rowBytes != s.inBytes()) {
                throw new Refused("layer 0 reads " + rowBytes + " values, but the task's samples are "
                        + s.inBytes() + " bytes");
            }
            open(p.input(), "input", rowBytes, new int[] {p.sample()}, new int[] {s.samples()},
                    Hex.decode(s.inputRoot()));
        } else {
            open(p.input(), "input", rowBytes, new int[] {1, p.layer() - 1, t.local()},
                    new int[] {2, t.layers(), t.samples()}, t.root());
        }
        return new Values(p.input(), rowBytes);
    }

    private static int dense(LayerHeader h, UnitLeaf u, Values in) {
        if (h.in().size() != h.depth()) throw new Refused("layer_header's Dense depth is not its input size");
        long acc = u.bias();
        for (int t = 0; t < h.depth(); t++) {
            acc += (long) (in.at(t) - h.inputZeroPoint()) * (u.weights()[t] - u.weightZeroPoint());
        }
        return (int) acc;
    }

    /** The unit's patch: each weight t times the input value it sees, padding adding nothing. */
    private static int conv(LayerHeader h, UnitLeaf u, Values in, int entry) {
        int[] at;
        try {
            at = EntryInputs.conv(h, entry);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        long acc = u.bias();
        for (int t = 0; t < at.length; t++) {
            if (at[t] >= 0) acc += (long) (in.at(at[t]) - h.inputZeroPoint()) * (u.weights()[t] - u.weightZeroPoint());
        }
        return (int) acc;
    }

    /** Only the window's cells inside the input, each a carried value or a refusal: work ≤ the carried bytes. */
    private static int maxPool(LayerHeader h, Values in, int entry) {
        int[] at;
        try {
            at = EntryInputs.pool(h, entry);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        int max = -128;
        for (int i : at) max = Math.max(max, in.at(i));
        return max;
    }

    private static boolean same(byte[] a, byte[] b) {
        return a != null && MessageDigest.isEqual(a, b);
    }
}
