package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import org.cpc.client.NodeClient;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofBuilder;
import org.cpc.compute.market.FraudProofVerifier;
import org.cpc.compute.market.FraudVerdict;
import org.cpc.compute.market.InferenceFraudBuilder;
import org.cpc.compute.market.InferenceFraudProof;
import org.cpc.compute.market.InferenceFraudVerifier;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.poc.MarketClient;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cpc task dispute}: the fraud proof of one entry of a matmul job, built from the Task Market's blobs and
 * result and checked against the job's result_hash on L1 with the verifier L1 runs; with {@code --from}, sent to L1
 * as a FRAUD_PROOF, waited for, and its outcome (the slashes, the refund, the bounty) printed.
 */
@Command(name = "dispute", description = {
    "Build the fraud proof of one entry of a market job: for a matmul task entry C[ROW][COL] (--row, --col), from A, B"
        + " and the result; for an inference task one accumulator or output of one layer of one sample (--sample,"
        + " --layer, --entry, --claim), from the model, the input and the job's trace. Downloads them from the Task"
        + " Market, reads the job's result_hash on L1, builds the proof and verifies it as L1 would.",
    "Without --from: prints the proof (JSON) or writes it to --out, and says whether the entry is wrong. With --from:"
        + " signs it as a FRAUD_PROOF, sends it to the node, waits until it is in a block and prints what L1 did (a"
        + " proof of a right entry is not sent unless --force: L1 would include it and only charge you gas).",
    "Exit 0 when the entry is wrong (and, with --from, L1 slashed for it), 1 when it is right, L1 refused the proof,"
        + " or the proof cannot be made (the reason is printed)."})
final class TaskDisputeCommand extends TaskCommand.Signed {
    @Parameters(index = "0", paramLabel = "TASK") String taskId;
    @Option(names = "--job", required = true, paramLabel = "J") int job;
    @Option(names = "--row", paramLabel = "I", description = "matmul: row of C (0..m-1), one the job computed.") Integer row;
    @Option(names = "--col", paramLabel = "C", description = "matmul: column of C (0..n-1).") Integer col;
    @Option(names = "--sample", paramLabel = "S", description = "inference: the sample (an index into the batch), one"
            + " the job ran.") Integer sample;
    @Option(names = "--layer", paramLabel = "L", description = "inference: the layer (0 = the first).") Integer layer;
    @Option(names = "--entry", paramLabel = "E", description = "inference: the entry of the layer's output of that"
            + " sample, channel-major (o·H·W + y·W + x).") Integer entry;
    @Option(names = "--claim", paramLabel = "accumulator|output", defaultValue = "output", description = "inference:"
            + " dispute the Conv/Dense accumulator or the output (requantization, MaxPool, Flatten); default"
            + " ${DEFAULT-VALUE}.") String claim;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the proof here instead of printing it.") Path out;
    @Option(names = "--from", paramLabel = "KEY", description = "Keyring name that signs and sends the FRAUD_PROOF"
            + " (pays its gas, takes the bounty).") String from;
    @Option(names = "--force", description = "Send the proof even when the entry is right (a false proof: L1 includes"
            + " it and charges its gas, nothing else).") boolean force;
    @Option(names = "--wait-s", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait for the"
            + " FRAUD_PROOF to be in a block (default ${DEFAULT-VALUE}).") int waitS;

    /** A proof as JSON, what L1's verifier says of it, and the entry it disputes in words. */
    private record Built(ObjectNode json, FraudVerdict verdict, String entry) {}

    @Override
    public void run() {
        if (waitS < 1) throw new Errors.CliException(Cpc.EXIT_USAGE, "--wait-s must be at least 1");
        PrintWriter pw = spec.commandLine().getOut();
        JsonNode onChain = onL1();
        String type = onChain.path("challenge_type").asText();
        JsonNode payload = onChain.get("payload");
        String committed = jobOnL1(onChain).path("result_hash").textValue();
        if (committed == null) throw failed("job " + job + " of task " + taskId + " has no result on L1: nothing to dispute");
        Built built = switch (type) {
            case "matmul" -> matmul(payload, committed);
            case "inference" -> inference(payload, committed);
            default -> throw failed("task " + taskId + " is a " + type + " task; fraud proofs are for matmul and"
                    + " inference tasks");
        };
        if (built.verdict() instanceof FraudVerdict.Malformed m) {
            throw failed("the Task Market's data do not match job " + job + "'s result_hash on L1 (" + committed
                    + "): " + m.reason());
        }
        String json = Json.pretty(built.json());
        if (out != null) {
            try {
                Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            }
            pw.println("proof: " + out + " (" + json.length() + " characters of JSON)");
        } else {
            pw.println(json);
        }
        boolean wrong = built.verdict() instanceof FraudVerdict.EntryWrong;
        pw.println("verdict: " + (wrong ? "WRONG" : "right") + " — " + built.entry() + " of job " + job + ": "
                + built.verdict().reason());
        pw.flush();
        if (from != null && (wrong || force)) {
            submit(built.json(), pw);
        } else if (!wrong) {
            throw new Errors.CliException(Cpc.EXIT_FAILED, "the entry is right: there is nothing to dispute");
        }
    }

    private Built matmul(JsonNode payload, String committed) {
        if (row == null || col == null) throw usage("a matmul task's entry is named by --row and --col");
        MarketClient c = market.client();
        int n = payload.get("n").intValue();
        int rowsPerJob = payload.get("rows_per_job").intValue();
        Map<String, byte[]> blobs;
        byte[] result;
        try {
            blobs = Map.of(payload.get("a").textValue(), c.blob(payload.get("a").textValue()),
                    payload.get("b").textValue(), c.blob(payload.get("b").textValue()));
            result = c.result(taskId);
        } catch (MarketClient.MarketException e) {
            throw failed("the Task Market cannot give the task's trace: " + e.getMessage());
        }
        long start = 4L * n * rowsPerJob * job;
        long to = Math.min(result.length, start + MatmulChallenge.INSTANCE.maxOutputBytes(payload, job));
        FraudProof proof;
        try {
            proof = FraudProofBuilder.build(taskId, payload, job, row, col, h -> MemorySegment.ofArray(blobs.get(h)),
                    Arrays.copyOfRange(result, (int) Math.min(start, result.length), (int) to));
        } catch (IllegalArgumentException e) {
            throw failed("cannot build the proof: " + e.getMessage());
        }
        return new Built(proof.toJson(), FraudProofVerifier.verify(proof, payload, committed),
                "C[" + row + "][" + col + "]");
    }

    private Built inference(JsonNode payload, String committed) {
        if (sample == null || layer == null || entry == null) {
            throw usage("an inference task's entry is named by --sample, --layer and --entry (and --claim)");
        }
        InferenceFraudProof.Claim kind = switch (claim) {
            case "accumulator" -> InferenceFraudProof.Claim.ACCUMULATOR;
            case "output" -> InferenceFraudProof.Claim.OUTPUT;
            default -> throw usage("--claim must be accumulator or output, not " + claim);
        };
        MarketClient c = market.client();
        Map<String, byte[]> blobs;
        byte[] trace;
        try {
            blobs = Map.of(payload.get("model").textValue(), c.blob(payload.get("model").textValue()),
                    payload.get("input").textValue(), c.blob(payload.get("input").textValue()));
            trace = c.jobOutput(taskId, job);
        } catch (MarketClient.MarketException e) {
            throw failed("the Task Market cannot give the model, the input or job " + job + "'s trace: "
                    + e.getMessage());
        }
        InferenceFraudProof proof;
        try {
            proof = InferenceFraudBuilder.build(taskId, payload, job, sample, layer, entry, kind,
                    h -> MemorySegment.ofArray(blobs.get(h)), trace);
        } catch (IllegalArgumentException e) {
            throw failed("cannot build the proof: " + e.getMessage());
        }
        return new Built(proof.toJson(), InferenceFraudVerifier.verify(proof, payload, committed),
                claim + " " + entry + " of layer " + layer + " of sample " + sample);
    }

    /** Signs and sends the FRAUD_PROOF, waits for its block, and prints what L1 did with it. */
    private void submit(ObjectNode proof, PrintWriter pw) {
        Sender s = sender(from);
        Transaction tx = s.builder(s.params().minGasPrice()).fraudProof(proof);
        NodeClient client = node.client();
        NodeClient.Reply sent = client.sendTransaction(tx);
        if (!sent.ok()) throw failed("L1 refused the fraud proof: " + sent.error());
        pw.println("fraud proof: tx " + tx.hashHex() + " sent by " + s.key().address() + " (gas limit " + tx.gasLimit()
                + ")");
        pw.flush();
        JsonNode included = awaitBlock(client, tx.hashHex());
        JsonNode dispute = jobOnL1(onL1()).path("dispute");
        if (dispute.isObject() && dispute.path("tx_hash").asText().equals(tx.hashHex())) {
            String what = dispute.has("layer") ? dispute.path("claim").asText() + " " + dispute.path("col").asInt()
                    + " of layer " + dispute.path("layer").asInt() + " of sample " + dispute.path("row").asInt()
                    : "C[" + dispute.path("row").asInt() + "][" + dispute.path("col").asInt() + "]";
            pw.println("proven in block " + included.path("block_height").asLong() + ": job " + job + " of task "
                    + taskId + " is wrong (" + what + " is " + dispute.path("claimed").asInt() + ", not "
                    + dispute.path("correct").asInt() + ")");
            pw.println("  PoC validator slashed " + cpc(dispute, "poc_slashed") + " CPC, worker slashed "
                    + cpc(dispute, "worker_slashed") + " CPC");
            pw.println("  customer refunded " + cpc(dispute, "refund") + " CPC, bounty to " + s.key().address() + " "
                    + cpc(dispute, "bounty") + " CPC, burned " + cpc(dispute, "burned") + " CPC");
            pw.flush();
            return;
        }
        long gas = included.path("gas_used").asLong();
        throw failed("the fraud proof is in block " + included.path("block_height").asLong() + ", but L1 found the entry"
                + " right: nothing was slashed, and the proof cost " + gas + " gas");
    }

    /** Job {@code --job}'s entry in the task's {@code results} on L1, or a missing node. */
    private JsonNode jobOnL1(JsonNode task) {
        for (JsonNode r : task.path("results")) if (r.path("job").asInt(-1) == job) return r;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String cpc(JsonNode dispute, String field) {
        return Amounts.formatCpc(new BigInteger(dispute.path(field).asText()));
    }

    /** Polls {@code GET /tx/{hash}} until the transaction is in a block, for at most {@code --wait-s}. */
    private JsonNode awaitBlock(NodeClient client, String hash) {
        long until = System.nanoTime() + waitS * 1_000_000_000L;
        while (true) {
            NodeClient.Reply r = client.get("/tx/" + hash);
            if (r.ok() && "included".equals(r.body().path("status").asText())) return r.body();
            if (System.nanoTime() > until) {
                throw failed("the fraud proof " + hash + " is not in a block after " + waitS + " s"
                        + (r.ok() ? " (it is " + r.body().path("status").asText() + ")" : ": " + r.error())
                        + "; follow it with cpc query tx " + hash);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed("interrupted while waiting for the fraud proof " + hash);
            }
        }
    }

    /** The task as L1 holds it: its payload and each job's result_hash. */
    private JsonNode onL1() {
        NodeClient.Reply r = node.client().get("/task/" + NodeClient.encode(taskId));
        if (!r.ok()) throw failed("L1 does not give task " + taskId + ": " + r.error());
        return r.body();
    }

    private static Errors.CliException usage(String message) {
        return new Errors.CliException(Cpc.EXIT_USAGE, message);
    }

    private static Errors.CliException failed(String message) {
        return new Errors.CliException(Cpc.EXIT_FAILED, message);
    }
}
