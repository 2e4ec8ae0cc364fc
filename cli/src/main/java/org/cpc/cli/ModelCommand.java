package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.stream.Collectors;
import org.cpc.compute.infer.Disputability;
import org.cpc.compute.infer.IdxImages;
import org.cpc.compute.infer.IntLinear;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxException;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.infer.Op;
import org.cpc.compute.infer.Requant;
import org.cpc.compute.infer.Shape;
import org.cpc.compute.infer.Window;
import org.cpc.protocol.codec.Hex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "model", description = "Quantized ONNX models for exact int8 inference.",
        subcommands = {ModelCommand.Inspect.class, ModelCommand.Input.class, ModelCommand.Accuracy.class})
final class ModelCommand extends GroupCommand {
    @Command(name = "inspect", description = {
        "Imports a quantized ONNX model (QOperator, QDQ or MatMulInteger/ConvInteger) onto the integer op set and prints",
        "its layers, parameters,",
        "multiply-adds per sample, commitment hash and the most input chunks one entry's fraud proof carries; or, for a",
        "model outside the op set or the limits (an entry no fraud proof can carry included), the ONNX ops",
        "it uses, which of them are unsupported, and why it is refused (exit code 1)."})
    static final class Inspect implements Runnable {
        @Parameters(paramLabel = "FILE.onnx", description = "The model file.") Path file;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            byte[] bytes;
            try {
                long size = Files.size(file);
                if (size > ModelLimits.DEFAULT.modelBytes()) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, file + " is " + size
                            + " bytes, more than the model limit " + ModelLimits.DEFAULT.modelBytes());
                }
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "cannot read " + file + ": " + e.getMessage());
            }
            try {
                OnnxImporter.OpCensus census = OnnxImporter.census(bytes);
                out.println("file:         " + file + " (" + bytes.length + " bytes)");
                out.println("ONNX ops:     " + census.counts().entrySet().stream()
                        .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", ")));
                out.println("unsupported:  " + (census.unsupported().isEmpty() ? "none"
                        : String.join(", ", census.unsupported())));
                IntModel model = OnnxImporter.fromBytes(bytes, ModelLimits.DEFAULT);
                describe(out, model);
            } catch (OnnxException e) {
                out.flush();
                throw new Errors.CliException(Cpc.EXIT_FAILED, "refused: " + e.getMessage());
            }
            out.flush();
        }

        private static void describe(PrintWriter out, IntModel m) {
            out.println("commitment:   " + Hex.encode(m.commitment()));
            out.println("input:        " + m.input() + " int8 (scale " + m.inputScale() + ", zero point "
                    + m.inputZeroPoint() + ")");
            out.println("output:       " + m.output() + " int8 (scale " + m.outputScale() + ", zero point "
                    + m.outputZeroPoint() + ")");
            out.println("layers:");
            List<Shape> shapes = m.shapes();
            for (int i = 0; i < m.ops().size(); i++) {
                Op op = m.ops().get(i);
                Shape in = m.inputOf(i);
                out.printf("  %2d  %-7s %-14s → %-10s %-34s %s%n", i, op.getClass().getSimpleName(), in,
                        shapes.get(i), details(op), op.node());
            }
            out.println("parameters:   " + m.parameters());
            out.println("multiply-adds per sample: " + m.macsPerSample());
            out.println("trace bytes per sample:   " + m.traceBytesPerSample());
            Disputability.Worst worst = Arrays.stream(Disputability.check(m))
                    .reduce((a, b) -> b.chunks() > a.chunks() ? b : a).orElseThrow();
            out.println("disputable:   every entry; the most input chunks one entry reads: " + worst.chunks() + " of "
                    + Disputability.MAX_INPUT_CHUNKS + " (layer " + worst.layer() + ", "
                    + m.ops().get(worst.layer()).node() + ", entry " + worst.entry() + ")");
        }

        private static String details(Op op) {
            return switch (op) {
                case Op.Conv c -> window(c.window()) + linear(c.linear());
                case Op.Dense d -> linear(d.linear()).strip();
                case Op.MaxPool p -> window(p.window());
                case Op.Flatten f -> "";
            };
        }

        private static String window(Window w) {
            return "k" + w.kernelH() + "×" + w.kernelW() + " s" + w.strideH() + "×" + w.strideW()
                    + (w.padTop() + w.padLeft() + w.padBottom() + w.padRight() == 0 ? ""
                    : " p" + w.padTop() + "," + w.padLeft() + "," + w.padBottom() + "," + w.padRight())
                    + (w.dilationH() * w.dilationW() == 1 ? "" : " d" + w.dilationH() + "×" + w.dilationW());
        }

        private static String linear(IntLinear l) {
            IntSummaryStatistics shifts = Arrays.stream(l.requant()).mapToInt(Requant::shift).summaryStatistics();
            return " shift " + (shifts.getMin() == shifts.getMax() ? shifts.getMin() : shifts.getMin() + ".." + shifts.getMax())
                    + (l.relu() ? " relu" : "");
        }
    }

    /** The model for --model, imported with the default limits, or a usage error naming why not. */
    static IntModel load(Path file) {
        try {
            return OnnxImporter.read(file, ModelLimits.DEFAULT);
        } catch (IOException e) {
            throw new Errors.CliException(Cpc.EXIT_FAILED, "cannot read " + file + ": " + e.getMessage());
        } catch (OnnxException e) {
            throw new Errors.CliException(Cpc.EXIT_FAILED, "refused: " + e.getMessage());
        }
    }

    @Command(name = "input", description = {
        "Turns IDX images (e.g. Fashion-MNIST's t10k-images-idx3-ubyte.gz) into an inference input file: each pixel",
        "p as the float p/255, quantized with the model's input scale and zero point (round half to even, saturated),",
        "samples × input values int8, for `cpc task create --type inference --input`."})
    static final class Input implements Runnable {
        @Option(names = "--model", required = true, paramLabel = "M.onnx", description = "The model the input is for.") Path model;
        @Option(names = "--images", required = true, paramLabel = "IDX", description = "IDX images, gzipped or not.") Path images;
        @Option(names = "--count", defaultValue = "10000", description = "At most this many images (default: ${DEFAULT-VALUE}).") int count;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "X.bin", description = "Where to write the input.") Path output;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            IntModel m = load(model);
            try {
                byte[] pixels = IdxImages.read(images, count);
                if (pixels.length % m.input().size() != 0) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, images + " holds images of another size than the"
                            + " model's input " + m.input());
                }
                Files.write(output, IdxImages.quantize(pixels, m));
                spec.commandLine().getOut().println("wrote " + pixels.length / m.input().size() + " samples of "
                        + m.input() + " to " + output);
            } catch (IOException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, e.getMessage());
            }
        }
    }

    @Command(name = "accuracy", description = {
        "Compares an inference result (samples × outputs int8, e.g. `cpc task create ... -o out.bin`) with IDX labels:",
        "the predicted class of a sample is its largest output (the first one on a tie)."})
    static final class Accuracy implements Runnable {
        @Option(names = "--model", required = true, paramLabel = "M.onnx", description = "The model that made the result.") Path model;
        @Option(names = "--result", required = true, paramLabel = "OUT.bin", description = "The task's result.") Path result;
        @Option(names = "--labels", required = true, paramLabel = "IDX", description = "IDX labels, gzipped or not.") Path labels;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            int classes = load(model).output().size();
            try {
                byte[] out = Files.readAllBytes(result);
                byte[] truth = IdxImages.read(labels, out.length / classes);
                if (out.length % classes != 0 || truth.length != out.length / classes) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, result + " has " + out.length + " bytes: not "
                            + truth.length + " samples × " + classes + " outputs");
                }
                int correct = 0;
                for (int s = 0; s < truth.length; s++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) if (out[s * classes + c] > out[s * classes + best]) best = c;
                    if (best == truth[s]) correct++;
                }
                spec.commandLine().getOut().printf("accuracy: %d of %d correct (%.2f%%)%n", correct, truth.length,
                        100.0 * correct / truth.length);
            } catch (IOException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, e.getMessage());
            }
        }
    }
}
