package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small random integer models with odd shapes: Conv/MaxPool stacks, then Flatten and Dense layers. */
final class RandomModels {
    private RandomModels() {}

    static IntModel model(SplittableRandom random) {
        Shape in = new Shape(random.nextInt(1, 4), random.nextInt(4, 12), random.nextInt(4, 12));
        List<Op> ops = new ArrayList<>();
        Shape s = in;
        int zp = random.nextInt(-128, 128);
        int convs = random.nextInt(0, 3);
        for (int i = 0; i < convs; i++) {
            int k = random.nextInt(1, Math.min(4, s.height() + 1));
            int d = 2 * (k - 1) + 1 <= s.height() ? random.nextInt(1, 3) : 1;
            Window w = new Window(k, random.nextInt(1, Math.min(4, s.width() + 1)), random.nextInt(1, 3), random.nextInt(1, 3),
                    random.nextInt(0, 2), random.nextInt(0, 2), random.nextInt(0, 2), random.nextInt(0, 2), d, 1);
            IntLinear l = linear(random, random.nextInt(1, 6), s.channels() * w.kernelH() * w.kernelW(), zp);
            ops.add(new Op.Conv("conv" + i, l, w));
            s = ops.getLast().output(s);
            zp = l.outputZeroPoint();
            if (s.height() >= 2 && s.width() >= 2 && random.nextBoolean()) {
                ops.add(new Op.MaxPool("pool" + i, new Window(2, 2, random.nextInt(1, 3), random.nextInt(1, 3),
                        random.nextInt(0, 2), 0, 0, random.nextInt(0, 2), 1, 1)));
                s = ops.getLast().output(s);
            }
        }
        ops.add(new Op.Flatten("flatten"));
        s = ops.getLast().output(s);
        for (int i = 0; i < random.nextInt(1, 3); i++) {
            IntLinear l = linear(random, random.nextInt(1, 20), s.channels(), zp);
            ops.add(new Op.Dense("fc" + i, l));
            s = ops.getLast().output(s);
            zp = l.outputZeroPoint();
        }
        return new IntModel(in, 0.1f, 0, ops, 0.1f, zp);
    }

    /** Multipliers near 1/(typical |acc|) so that outputs spread over the int8 range rather than saturate. */
    static IntLinear linear(SplittableRandom random, int outputs, int depth, int inputZeroPoint) {
        byte[] w = new byte[outputs * depth];
        random.nextBytes(w);
        int[] wzp = new int[outputs];
        int[] bias = new int[outputs];
        Requant[] requant = new Requant[outputs];
        for (int o = 0; o < outputs; o++) {
            wzp[o] = random.nextBoolean() ? 0 : random.nextInt(-20, 21);
            bias[o] = random.nextInt(-5000, 5001);
            requant[o] = Requant.of(random.nextDouble(0.3, 3) / (100.0 * Math.sqrt(depth) * 80));
        }
        return new IntLinear(outputs, depth, w, wzp, bias, requant, inputZeroPoint, random.nextInt(-128, 128),
                random.nextBoolean());
    }

    static byte[] input(SplittableRandom random, IntModel model, int batch) {
        byte[] x = new byte[batch * model.input().size()];
        random.nextBytes(x);
        return x;
    }
}
