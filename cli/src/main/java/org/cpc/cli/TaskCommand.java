package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.OnnxException;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.market.ChallengeType;
import org.cpc.compute.market.InferenceChallenge;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.poc.MarketClient;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "task", description = "Customer side of the Task Market: publish a paid task, follow it, fetch its result"
        + " or cancel it.",
        subcommands = {TaskCommand.Create.class, TaskCommand.Status.class, TaskCommand.Result.class,
            TaskCommand.ListTasks.class, TaskCommand.Cancel.class, TaskDisputeCommand.class})
final class TaskCommand extends GroupCommand {
    /** "1h", "30m", "90s", "2d", or unix seconds. */
    static long deadline(String s, long nowSeconds) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.matches("\\d+[smhd]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                long unit = switch (v.charAt(v.length() - 1)) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    default -> 86400;
                };
                return nowSeconds + Math.multiplyExact(n, unit);
            }
            if (v.matches("\\d{9,}")) return Long.parseLong(v);
        } catch (ArithmeticException | NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--deadline '" + s + "' must be a duration like 30m, 1h, 2d or unix seconds");
    }

    /** Waits with a progress bar until the task is completed or failed; returns its last status. */
    static JsonNode await(MarketClient c, String taskId, PrintWriter err) {
        JsonNode t = c.task(taskId);
        int total = t.path("jobs_total").asInt();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("task").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).build()) {
            while (true) {
                bar.stepTo(t.path("jobs_done").asInt());
                bar.setExtraMessage(t.path("status").asText());
                String s = t.path("status").asText();
                if (s.equals("completed") || s.equals("failed") || s.equals("cancelled")) return t;
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return t;
                }
                t = c.task(taskId);
            }
        }
    }

    static void fetchResult(MarketClient c, String taskId, Path out, PrintWriter pw) {
        String hash = c.result(taskId, out);
        long size;
        try {
            size = Files.size(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pw.println("result: " + out + " (" + size + " bytes, sha256 " + hash + ")");
        pw.flush();
    }

    /** What every task subcommand has: the Task Market and the command's output. */
    abstract static class OnMarket implements Runnable {
        @Mixin MarketUrlOption market;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    }

    /** What publishing and cancelling add: the node (the chain's rules, the nonce) and the keyring. */
    abstract static class Signed extends OnMarket {
        @Mixin NodeUrlOption node;
        @Mixin KeyringOptions keys;

        Sender sender(String from) {
            return Sender.of(node, keys, from);
        }

        /** Sends a signed transaction through the Task Market; its refusal is exit code 1, naming what it refused. */
        static JsonNode sendThrough(String what, Supplier<JsonNode> send) {
            try {
                return send.get();
            } catch (MarketClient.MarketException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "the Task Market refused the " + what + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "create", description = {
        "Publish a task: uploads the inputs, signs a CREATE_TASK that escrows --reward, submits it through the Task"
            + " Market, and prints the task id.",
        "matmul: --a A.bin --b B.bin --m M --k K --n N (int8 row-major A m×k and B k×n; the result is C = A·B as int32"
            + " little-endian row-major). synthetic: --seed HEX --matrix-size N --iterations I.",
        "inference: --model M.onnx --input X.bin [--samples-per-job S] (X: samples × the model's input size int8,"
            + " sample-major; the result is the model's int8 output per sample, samples × outputs bytes)."})
    static final class Create extends Signed {
        @Option(names = "--type", required = true, paramLabel = "matmul|synthetic|inference") String type;
        @Option(names = "--a", paramLabel = "FILE") Path a;
        @Option(names = "--b", paramLabel = "FILE") Path b;
        @Option(names = "--m") Integer m;
        @Option(names = "--k") Integer k;
        @Option(names = "--n") Integer n;
        @Option(names = "--rows-per-job", paramLabel = "R", description = "Rows of C per job (default: about 1 MiB of C per job).")
        Integer rowsPerJob;
        @Option(names = "--model", paramLabel = "FILE", description = "inference: the ONNX model (int8, QDQ or QOperator).")
        Path model;
        @Option(names = "--input", paramLabel = "FILE", description = "inference: the batch, int8 samples one after the other.")
        Path input;
        @Option(names = "--samples-per-job", paramLabel = "S", description = "inference: samples per job (default: about 16 MiB of trace per job).")
        Integer samplesPerJob;
        @Option(names = "--seed", paramLabel = "HEX") String seed;
        @Option(names = "--matrix-size", paramLabel = "N") Integer matrixSize;
        @Option(names = "--iterations", paramLabel = "I") Integer iterations;
        @Option(names = "--reward", required = true, paramLabel = "CPC", description = "Escrowed reward, decimal CPC.") String reward;
        @Option(names = "--deadline", defaultValue = "1h", paramLabel = "DURATION",
                description = "Deadline: 30m, 1h, 2d or unix seconds (default: ${DEFAULT-VALUE}).") String deadline;
        @Option(names = "--from", required = true, paramLabel = "KEY", description = "Keyring name of the paying customer.") String from;
        @Option(names = "--wait", description = "Wait with a progress bar until the task is done.") boolean wait;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "With --wait: write the result here.") Path output;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            if (MarketUrlOption.AUTO.equals(market.url)) {
                // Chosen and shown before anything is uploaded or signed.
                MarketPicker.Choice choice = MarketPicker.pick(node.client(), spec.commandLine().getErr());
                out.println("market:  " + choice.describe());
                out.flush();
                market.url = choice.url();
            }
            MarketClient c = market.client();
            ObjectNode payload = Json.object();
            switch (type) {
                case "matmul" -> {
                    if (a == null || b == null || m == null || k == null || n == null) {
                        throw new IllegalArgumentException("matmul needs --a, --b, --m, --k and --n");
                    }
                    if (k < 1 || k > MatmulChallenge.MAX_K) {
                        throw new IllegalArgumentException("--k must be 1.." + MatmulChallenge.MAX_K + ": a fraud proof"
                                + " carries a row of A and a column of B whole, and must fit one transaction");
                    }
                    checkSize(a, (long) m * k, "--a", m + "×" + k);
                    checkSize(b, (long) k * n, "--b", k + "×" + n);
                    int rows = rowsPerJob != null ? rowsPerJob : Math.max(1, Math.min(m, (1 << 20) / (4 * n)));
                    payload = matmulPayload(a, b, m, k, n, Math.max(rows, (m + 9_999) / 10_000));
                    upload(c, a);
                    upload(c, b);
                }
                case "synthetic" -> {
                    if (seed == null || matrixSize == null || iterations == null) {
                        throw new IllegalArgumentException("synthetic needs --seed, --matrix-size and --iterations");
                    }
                    payload.put("seed", seed);
                    payload.put("matrix_size", matrixSize);
                    payload.put("iterations", iterations);
                }
                case "inference" -> {
                    if (model == null || input == null) throw new IllegalArgumentException("inference needs --model and --input");
                    payload = inferencePayload(c, model, input, samplesPerJob);
                }
                default -> throw new IllegalArgumentException("--type must be matmul, synthetic or inference");
            }
            Sender sender = sender(from);
            long now = System.currentTimeMillis() / 1000;
            BigInteger wei = Amounts.parseCpc(reward);
            ComputeTask task = MarketClient.newTask(type, payload, wei, deadline(deadline, now));
            Transaction tx = MarketClient.createTaskTx(sender.key(), sender.params(), task, sender.nonce(), now);
            JsonNode r = sendThrough("task", () -> c.createTask(tx));
            out.println("task_id: " + r.path("task_id").asText());
            out.println("status:  " + r.path("status").asText() + " (" + r.path("jobs_total").asInt() + " jobs, reward "
                    + Amounts.formatCpc(wei) + " CPC escrowed by tx " + r.path("tx_hash").asText() + ")");
            if (r.has("note")) out.println("note:    " + r.path("note").asText());
            out.println("follow:  cpc task status " + r.path("task_id").asText() + " --market " + market.url);
            out.flush();
            if (wait) {
                JsonNode t = await(c, r.path("task_id").asText(), spec.commandLine().getErr());
                out.println("status:  " + t.path("status").asText()
                        + (t.has("error") ? " (" + t.path("error").asText() + ")" : ""));
                out.flush();
                if (output != null && t.has("result_hash")) fetchResult(c, r.path("task_id").asText(), output, out);
                if (!t.path("status").asText().equals("completed")) throw new Errors.CliException(Cpc.EXIT_FAILED, "task did not complete");
            }
        }

        /** Imports the model here first (a clear error before anything is uploaded), then uploads both files. */
        private static ObjectNode inferencePayload(MarketClient c, Path modelFile, Path inputFile, Integer perJob) {
            IntModel m;
            long size;
            try {
                m = OnnxImporter.read(modelFile, InferenceChallenge.LIMITS);
                size = Files.size(inputFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + e.getMessage());
            } catch (OnnxException e) {
                throw new IllegalArgumentException("--model " + modelFile + ": " + e.getMessage());
            }
            int per = m.input().size();
            if (size == 0 || size % per != 0 || size / per > InferenceChallenge.MAX_SAMPLES) {
                throw new IllegalArgumentException("--input " + inputFile + " is " + size + " bytes; it must hold 1.."
                        + InferenceChallenge.MAX_SAMPLES + " samples of " + per + " int8 values (" + m.input() + ")");
            }
            int samples = (int) (size / per);
            int s = perJob != null ? perJob
                    : (int) Math.max(1, Math.min(samples, (16L << 20) / m.traceBytesPerSample()));
            if (perJob == null) s = Math.max(s, (samples + ChallengeType.MAX_JOBS - 1) / ChallengeType.MAX_JOBS);
            try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(inputFile, StandardOpenOption.READ)) {
                MemorySegment input = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena); // input_root reads it
                return InferenceChallenge.payload(m, upload(c, modelFile), upload(c, inputFile), input, samples, s);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + inputFile + ": " + e.getMessage());
            }
        }

        /** The payload with the blob hashes and the trace roots (a_root, b_root) of the files, mapped, not read in. */
        private static ObjectNode matmulPayload(Path a, Path b, int m, int k, int n, int rowsPerJob) {
            try (Arena arena = Arena.ofConfined();
                 FileChannel fa = FileChannel.open(a, StandardOpenOption.READ);
                 FileChannel fb = FileChannel.open(b, StandardOpenOption.READ)) {
                return MatmulChallenge.payload(fa.map(FileChannel.MapMode.READ_ONLY, 0, fa.size(), arena),
                        fb.map(FileChannel.MapMode.READ_ONLY, 0, fb.size(), arena), m, k, n, rowsPerJob);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + e.getMessage());
            }
        }

        private static void checkSize(Path f, long bytes, String opt, String shape) {
            try {
                long size = Files.size(f);
                if (size != bytes) {
                    throw new IllegalArgumentException(opt + " " + f + " is " + size + " bytes; a " + shape
                            + " int8 matrix is " + bytes + " bytes");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + opt + " " + f + ": " + e.getMessage());
            }
        }

        private static String upload(MarketClient c, Path f) {
            try {
                return c.uploadBlob(f).path("hash").asText();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "status", description = "A task's status, jobs done, and when completed its result hash and workers.")
    static final class Status extends OnMarket {
        @Parameters(paramLabel = "TASK_ID") String taskId;
        @Option(names = "--wait", description = "Wait with a progress bar until the task is done.") boolean wait;

        @Override
        public void run() {
            MarketClient c = market.client();
            JsonNode t = wait ? await(c, taskId, spec.commandLine().getErr()) : c.task(taskId);
            spec.commandLine().getOut().println(Json.pretty(t));
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "result", description = "Download a task's verified result.")
    static final class Result extends OnMarket {
        @Parameters(paramLabel = "TASK_ID") String taskId;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE") Path output;
        @Option(names = "--wait", description = "Wait with a progress bar until the result exists.") boolean wait;

        @Override
        public void run() {
            MarketClient c = market.client();
            if (wait) await(c, taskId, spec.commandLine().getErr());
            try {
                fetchResult(c, taskId, output, spec.commandLine().getOut());
            } catch (MarketClient.MarketException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, e.getMessage());
            }
        }
    }

    @Command(name = "cancel", description = {
        "Cancel a task that has no accepted job yet: signs a CANCEL_TASK with the creator's key and sends it through"
            + " the Task Market, which stops handing out the task's jobs; L1 gives the whole escrow back.",
        "Once a job is accepted the task runs to its end (or its deadline, which refunds what is unsettled)."})
    static final class Cancel extends Signed {
        @Parameters(paramLabel = "TASK_ID") String taskId;
        @Option(names = "--from", required = true, paramLabel = "KEY", description = "Keyring name of the task's creator.")
        String from;

        @Override
        public void run() {
            MarketClient c = market.client();
            Sender sender = sender(from);
            AccountKey key = sender.key();
            Transaction tx = MarketClient.cancelTaskTx(key, sender.params(), taskId, sender.nonce(),
                    System.currentTimeMillis() / 1000);
            JsonNode r = sendThrough("cancel", () -> c.cancelTask(taskId, tx));
            PrintWriter out = spec.commandLine().getOut();
            out.println("task_id: " + r.path("task_id").asText());
            out.println("status:  " + r.path("status").asText() + " (the escrow goes back to " + key.address()
                    + " once tx " + r.path("tx_hash").asText() + " is in a block)");
            out.flush();
        }
    }

    @Command(name = "list", description = "Tasks on the Task Market, newest first.")
    static final class ListTasks extends OnMarket {
        @Option(names = "--status", paramLabel = "S", description = "publishing, pending, in_progress, completed, failed or cancelled") String status;
        @Option(names = "--type", paramLabel = "T", description = "challenge type: matmul, synthetic or inference") String type;
        @Option(names = "--limit", defaultValue = "20") int limit;
        @Option(names = "--offset", defaultValue = "0") int offset;
        @Option(names = "--json", description = "Print the JSON answer.") boolean json;

        @Override
        public void run() {
            JsonNode r = market.client().list(status, type, limit, offset);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(r));
            } else {
                out.printf("%-36s  %-11s  %-9s  %9s  %12s%n", "TASK_ID", "STATUS", "TYPE", "JOBS", "REWARD (CPC)");
                for (JsonNode t : r.path("tasks")) {
                    out.printf("%-36s  %-11s  %-9s  %4d/%-4d  %12s%n", t.path("task_id").asText(), t.path("status").asText(),
                            t.path("challenge_type").asText(), t.path("jobs_done").asInt(), t.path("jobs_total").asInt(),
                            t.path("reward").asText());
                }
                out.println(r.path("total").asInt() + " tasks");
            }
            out.flush();
        }
    }
}
