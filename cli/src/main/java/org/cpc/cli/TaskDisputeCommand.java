package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.cpc.client.NodeClient;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofBuilder;
import org.cpc.compute.market.FraudProofVerifier;
import org.cpc.compute.market.FraudVerdict;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.poc.MarketClient;
import org.cpc.protocol.codec.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cpc task dispute}: the fraud proof of one entry of a matmul job, built from the Task Market's blobs and
 * result and checked against the job's result_hash on L1, with the verifier L1 will run.
 */
@Command(name = "dispute", description = {
    "Build the fraud proof of entry C[ROW][COL] of a matmul task's job: downloads A, B and the result from the Task"
        + " Market, reads the job's result_hash on L1, builds the proof and verifies it as L1 would.",
    "Prints the proof (JSON) or writes it to --out, and says whether the entry is wrong. Exit 0 when it is wrong (the"
        + " proof is ready to send), 1 when it is right or the proof cannot be made (the reason is printed)."})
final class TaskDisputeCommand extends TaskCommand.OnMarket {
    @Parameters(index = "0", paramLabel = "TASK") String taskId;
    @Option(names = "--job", required = true, paramLabel = "J") int job;
    @Option(names = "--row", required = true, paramLabel = "I", description = "Row of C (0..m-1), one the job computed.") int row;
    @Option(names = "--col", required = true, paramLabel = "C", description = "Column of C (0..n-1).") int col;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the proof here instead of printing it.") Path out;
    @Mixin NodeUrlOption node;

    @Override
    public void run() {
        MarketClient c = market.client();
        PrintWriter pw = spec.commandLine().getOut();
        JsonNode onChain = onL1();
        if (!"matmul".equals(onChain.path("challenge_type").asText())) {
            throw failed("task " + taskId + " is a " + onChain.path("challenge_type").asText()
                    + " task; fraud proofs are for matmul tasks");
        }
        JsonNode payload = onChain.get("payload");
        String committed = null;
        for (JsonNode r : onChain.path("results")) if (r.path("job").asInt(-1) == job) committed = r.path("result_hash").asText();
        if (committed == null) throw failed("job " + job + " of task " + taskId + " has no result on L1: nothing to dispute");
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
        long from = 4L * n * rowsPerJob * job;
        long to = Math.min(result.length, from + MatmulChallenge.INSTANCE.maxOutputBytes(payload, job));
        FraudProof proof;
        try {
            proof = FraudProofBuilder.build(taskId, payload, job, row, col, h -> MemorySegment.ofArray(blobs.get(h)),
                    Arrays.copyOfRange(result, (int) Math.min(from, result.length), (int) to));
        } catch (IllegalArgumentException e) {
            throw failed("cannot build the proof: " + e.getMessage());
        }
        FraudVerdict verdict = FraudProofVerifier.verify(proof, payload, committed);
        if (verdict instanceof FraudVerdict.Malformed m) {
            throw failed("the Task Market's result does not match job " + job + "'s result_hash on L1 (" + committed
                    + "): " + m.reason());
        }
        String json = Json.pretty(proof.toJson());
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
        boolean wrong = verdict instanceof FraudVerdict.EntryWrong;
        pw.println("verdict: " + (wrong ? "WRONG" : "right") + " — C[" + row + "][" + col + "] of job " + job + ": "
                + verdict.reason());
        pw.flush();
        if (!wrong) throw new Errors.CliException(Cpc.EXIT_FAILED, "the entry is right: there is nothing to dispute");
    }

    /** The task as L1 holds it: its payload and each job's result_hash. */
    private JsonNode onL1() {
        NodeClient.Reply r = node.client().get("/task/" + NodeClient.encode(taskId));
        if (!r.ok()) throw failed("L1 does not give task " + taskId + ": " + r.error());
        return r.body();
    }

    private static Errors.CliException failed(String message) {
        return new Errors.CliException(Cpc.EXIT_FAILED, message);
    }
}
