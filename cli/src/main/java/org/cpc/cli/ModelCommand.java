package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.stream.Collectors;
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
import picocli.CommandLine.Parameters;

@Command(name = "model", description = "Quantized ONNX models for exact int8 inference.",
        subcommands = {ModelCommand.Inspect.class})
final class ModelCommand extends GroupCommand {
    @Command(name = "inspect", description = {
        "Imports a quantized ONNX model (QOperator or QDQ) onto the integer op set and prints its layers, parameters,",
        "multiply-adds per sample and commitment hash; or, for a model outside the op set or the limits, the ONNX ops",
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
}
