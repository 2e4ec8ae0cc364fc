package org.cpc.bench.compute;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.cpc.compute.infer.IdxImages;
import org.cpc.compute.infer.InferenceExecutor;
import org.cpc.compute.infer.IntLinear;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.infer.Op;

/**
 * Our exact integer executor against ONNX Runtime (its Java API, CPU execution provider) on the same ONNX files,
 * inputs and thread count, in one run: samples/s of each (best of several whole-batch runs) and the process's CPU
 * time per batch (the mean over the runs: on a shared machine it says what each costs, where wall time also says
 * how the scheduler shared the cores), ORT with and without spinning threads, the ratios, and how
 * far the outputs agree — int8 outputs equal byte for byte (ORT's float output read back through the output scale
 * and zero point) and the predicted class (first maximum). ORT runs a QDQ model by fusing it into its own int8
 * kernels, whose requantization rounds in float, so an output may differ by one step where ours follows the
 * protocol's integer rule.
 *
 * <p>Usage: {@code bin/bench-inference [--threads T] [--runs R] [--warmup W] [--samples N] MODEL.onnx
 * [IMAGES-idx3-ubyte.gz]} (warm-up: at least W rounds, 5 by default, and 10 s);
 * without images, N samples of random int8 input (the same for both).
 */
public final class InferenceBenchmark {
    private static final String ORT_SPINNING = "ORT";
    private static final String ORT_BLOCKING = "ORT, no spinning";
    private static final long PAUSE_MS = 300;
    private static final long WARMUP_NANOS = 10_000_000_000L;

    private InferenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        int runs = 5;
        int warmup = 5;
        int samples = 10_000;
        Path model = null;
        Path images = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                default -> {
                    if (model == null) model = Path.of(args[i]);
                    else images = Path.of(args[i]);
                }
            }
        }
        if (model == null) throw new IllegalArgumentException("usage: [--threads T] [--runs R] [--warmup W] [--samples N] MODEL.onnx [IMAGES.gz]");
        run(System.out, model, images, samples, threads, runs, warmup);
    }

    static void run(PrintStream out, Path modelFile, Path images, int samples, int threads, int runs, int warmup)
            throws IOException, OrtException, InterruptedException {
        IntModel model = OnnxImporter.read(modelFile, ModelLimits.DEFAULT);
        int n = model.input().size();
        byte[] input = images == null ? random(samples * n) : IdxImages.quantize(IdxImages.read(images, samples), model);
        samples = input.length / n;
        GemmBackend selected = Backends.select("cpu", threads).gemm();
        List<GemmBackend> backends = selected.name().equals("java") ? List.of(selected)
                : List.of(selected, new JavaGemm(threads));
        out.printf("model %s: %s → %s, %d multiply-adds per sample; %d samples, %d threads, best of %d runs after at least %d warm-up rounds and 10 s%n",
                modelFile.getFileName(), model.input(), model.output(), model.macsPerSample(), samples, threads, runs, warmup);
        out.printf("ours on %s%s%n", selected.description(), kernels(selected, model, samples, threads));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions spinning = ortOptions(threads, true);
                OrtSession.SessionOptions blocking = ortOptions(threads, false);
                OrtSession session = env.createSession(Files.readAllBytes(modelFile), spinning);
                OrtSession quiet = env.createSession(Files.readAllBytes(modelFile), blocking)) {
            float[] x = new float[input.length];
            for (int i = 0; i < x.length; i++) x[i] = (input[i] - model.inputZeroPoint()) * model.inputScale();
            long[] shape = model.input().isVector() ? new long[] {samples, n}
                    : new long[] {samples, model.input().channels(), model.input().height(), model.input().width()};
            String name = session.getInputNames().iterator().next();
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                float[] ortOut;
                try (OrtSession.Result result = session.run(Map.of(name, tensor))) {
                    ortOut = ((OnnxTensor) result.get(0)).getFloatBuffer().array();
                }
                // Each contender once per round, round after round, so that the shared machine's load, which
                // changes by the second, falls on all of them alike. The first rounds are the warm-up, at least
                // W rounds and 10 s: ours runs JIT-compiled Java around the GEMM, which takes tens of MLP batches
                // to reach C2 on a busy machine (ORT is native).
                Map<String, Runnable> contenders = new LinkedHashMap<>();
                contenders.put(ORT_SPINNING, () -> ort(session, name, tensor));
                contenders.put(ORT_BLOCKING, () -> ort(quiet, name, tensor));
                byte[] ourOut = null;
                for (GemmBackend gemm : backends) {
                    InferenceExecutor ours = new InferenceExecutor(model, gemm, threads);
                    byte[] o = ours.run(input, samples).output();
                    if (ourOut != null && !Arrays.equals(o, ourOut)) throw new IllegalStateException("backends disagree");
                    ourOut = o;
                    int batch = samples;
                    // as a worker runs jobs: each batch's trace handed back for the next to write into
                    contenders.put(gemm.name(), () -> ours.recycle(ours.run(input, batch)));
                }
                OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                Map<String, Double> best = new LinkedHashMap<>();
                Map<String, Double> cpu = new LinkedHashMap<>();
                long warmUntil = System.nanoTime() + WARMUP_NANOS;
                for (int r = 0; r < warmup || System.nanoTime() < warmUntil; r++) {
                    for (Runnable c : contenders.values()) c.run();
                }
                for (int r = 0; r < runs; r++) {
                    for (Map.Entry<String, Runnable> c : contenders.entrySet()) {
                        // ORT's spinning pool threads go on spinning for a while after its run returns; a pause
                        // lets them block before the next contender's clock (and CPU time) starts.
                        Thread.sleep(PAUSE_MS);
                        long t = System.nanoTime();
                        long busy = os.getProcessCpuTime();
                        c.getValue().run();
                        double seconds = (System.nanoTime() - t) / 1e9;
                        double cpuSeconds = (os.getProcessCpuTime() - busy) / 1e9;
                        best.merge(c.getKey(), seconds, Math::min);
                        cpu.merge(c.getKey(), cpuSeconds / runs, Double::sum);
                    }
                }
                compare(out, model, ourOut, ortOut, samples);
                out.printf("load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
                for (String ort : List.of(ORT_SPINNING, ORT_BLOCKING)) {
                    out.printf("ONNX Runtime %s, %s: %,.0f samples/s, %.1f CPU ms per batch%n", env.getVersion(), ort,
                            samples / best.get(ort), 1e3 * cpu.get(ort));
                }
                for (Map.Entry<String, Double> e : best.entrySet()) {
                    if (e.getKey().startsWith("ORT")) continue;
                    out.printf("ours, %s GEMM: %,.0f samples/s, %.1f CPU ms per batch, ratio ours/ORT %.3f (spinning)"
                                    + ", %.3f (not spinning)%n", e.getKey(), samples / e.getValue(),
                            1e3 * cpu.get(e.getKey()), best.get(ORT_SPINNING) / e.getValue(),
                            best.get(ORT_BLOCKING) / e.getValue());
                }
            }
        }
    }

    /**
     * ORT on {@code threads} intra-op threads, all graph optimisations; with {@code spin} its idle pool threads
     * spin-wait for the next parallel section (ORT's default), without it they block
     * ({@code session.intra_op.allow_spinning = 0}). On a shared machine spinning threads take CPU that the other
     * contender could have had, so both are measured.
     */
    private static OrtSession.SessionOptions ortOptions(int threads, boolean spin) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
        return options;
    }

    private static void ort(OrtSession session, String name, OnnxTensor tensor) {
        try (OrtSession.Result result = session.run(Map.of(name, tensor))) {
            result.get(0);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** oneDNN's kernel for each Dense layer's product (one per thread's block of samples), e.g. AMX or VNNI. */
    private static String kernels(GemmBackend gemm, IntModel model, int samples, int threads) {
        if (!(gemm instanceof OneDnnGemm oneDnn)) return "";
        StringBuilder b = new StringBuilder();
        int rows = (samples + threads - 1) / threads;
        for (Op op : model.ops()) {
            if (op instanceof Op.Dense d) {
                IntLinear l = d.linear();
                b.append(b.isEmpty() ? "; Dense kernels: " : ", ").append(oneDnn.kernel(rows, l.depth(), l.outputs()));
            }
        }
        return b.toString();
    }

    /** int8 outputs equal (ORT's float read back to int8) and the predicted class equal. */
    private static void compare(PrintStream out, IntModel model, byte[] ours, float[] ort, int samples) {
        int classes = model.output().size();
        long same = 0;
        int sameClass = 0;
        int maxDiff = 0;
        for (int s = 0; s < samples; s++) {
            int a = 0;
            int b = 0;
            for (int c = 0; c < classes; c++) {
                int i = s * classes + c;
                int q = Math.round(ort[i] / model.outputScale()) + model.outputZeroPoint();
                if (q == ours[i]) same++;
                maxDiff = Math.max(maxDiff, Math.abs(q - ours[i]));
                if (ours[i] > ours[s * classes + a]) a = c;
                if (ort[i] > ort[s * classes + b]) b = c;
            }
            if (a == b) sameClass++;
        }
        out.printf("agreement with ONNX Runtime: int8 outputs %d of %d equal (%.3f%%, largest difference %d); "
                        + "predicted class %d of %d (%.2f%%)%n", same, (long) samples * classes,
                100.0 * same / ((long) samples * classes), maxDiff, sameClass, samples, 100.0 * sameClass / samples);
    }

    private static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        new java.util.SplittableRandom(1).nextBytes(b);
        return b;
    }
}
