package org.cpc.bench.compute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Outside programs that give the benchmark a yardstick: numpy's float32 matmul (OpenBLAS) and oneDNN's int8 GEMM
 * called from a small C program, each skipped with a note when its tools are missing.
 */
final class Peers {
    private static final String NUMPY = """
            import sys, time, numpy as np
            n = int(sys.argv[1]); rng = np.random.default_rng(1)
            a = rng.standard_normal((n, n), dtype=np.float32); b = rng.standard_normal((n, n), dtype=np.float32)
            a @ b
            best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(10 if n <= 2048 else 4))
            print(2.0 * n ** 3 / best / 1e9)
            """;

    /** dnnl_gemm_s8s8s32's prototype from the oneDNN 2.x C API; Debian ships the library without headers. */
    private static final String ONEDNN_C = """
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            int dnnl_gemm_s8s8s32(char, char, char, int64_t, int64_t, int64_t, float, const int8_t *, int64_t,
                                  int8_t, const int8_t *, int64_t, int8_t, float, int32_t *, int64_t, const int32_t *);
            static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
            int main(int argc, char **argv) {
                int64_t n = atoll(argv[1]); int32_t co = 0;
                int8_t *a = malloc(n * n), *b = malloc(n * n); int32_t *c = malloc(4 * n * n);
                for (int64_t i = 0; i < n * n; i++) { a[i] = (int8_t)(i * 7 + 3); b[i] = (int8_t)(i * 13 + 5); }
                int runs = n <= 2048 ? 10 : 4; double best = 1e30;
                for (int r = 0; r <= runs; r++) {
                    double t = now();
                    if (dnnl_gemm_s8s8s32('N', 'N', 'F', n, n, n, 1.0f, a, n, 0, b, n, 0, 0.0f, c, n, &co)) return 1;
                    t = now() - t; if (r > 0 && t < best) best = t;
                }
                printf("%f\\n", 2.0 * n * n * n / best / 1e9);
                return 0;
            }
            """;

    private final String numpyNote;
    private final String oneDnnNote;
    private final Path oneDnnProgram;

    private Peers(String numpyNote, String oneDnnNote, Path oneDnnProgram) {
        this.numpyNote = numpyNote;
        this.oneDnnNote = oneDnnNote;
        this.oneDnnProgram = oneDnnProgram;
    }

    static Peers prepare() throws IOException, InterruptedException {
        Result numpy = exec(List.of("python3", "-c", "import numpy; print(numpy.__version__)"), Map.of());
        String numpyNote = numpy.ok() ? numpy.out().strip() : "skipped (" + numpy.why() + ")";
        Path dir = Files.createTempDirectory("cpc-bench-");
        dir.toFile().deleteOnExit();
        Path source = dir.resolve("onednn_gemm.c");
        Path program = dir.resolve("onednn_gemm");
        Files.writeString(source, ONEDNN_C);
        Result cc = exec(List.of("gcc", "-O2", "-o", program.toString(), source.toString(), "-l:libdnnl.so.2"), Map.of());
        program.toFile().deleteOnExit();
        source.toFile().deleteOnExit();
        return new Peers(numpyNote, cc.ok() ? "compiled with gcc" : "skipped (" + cc.why() + ")",
                cc.ok() ? program : null);
    }

    String numpyNote() {
        return numpyNote;
    }

    String oneDnnNote() {
        return oneDnnNote;
    }

    /** numpy float32 GFLOPS at size n, or NaN when numpy is missing. */
    double numpyGflops(int n, int threads) throws IOException, InterruptedException {
        if (numpyNote.startsWith("skipped")) return Double.NaN;
        String t = Integer.toString(threads);
        return number(exec(List.of("python3", "-c", NUMPY, Integer.toString(n)),
                Map.of("OPENBLAS_NUM_THREADS", t, "OMP_NUM_THREADS", t)));
    }

    /** oneDNN int8 GOPS from C at size n, or NaN when it could not be built. */
    double oneDnnGops(int n, int threads) throws IOException, InterruptedException {
        if (oneDnnProgram == null) return Double.NaN;
        return number(exec(List.of(oneDnnProgram.toString(), Integer.toString(n)),
                Map.of("OMP_NUM_THREADS", Integer.toString(threads))));
    }

    private static double number(Result r) {
        return r.ok() ? Double.parseDouble(r.out().strip()) : Double.NaN;
    }

    private record Result(boolean ok, String out, String why) {}

    private static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(false, "", command.getFirst() + " not found");
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(false, "", command.getFirst() + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String last = text.strip().lines().reduce((x, y) -> y).orElse("exit " + p.exitValue());
            return new Result(false, text, last);
        }
        return new Result(true, text, "");
    }
}
