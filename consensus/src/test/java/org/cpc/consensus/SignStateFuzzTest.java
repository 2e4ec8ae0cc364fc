package org.cpc.consensus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The validator's sign-state file ({@link FileSignStateStore}, the log behind {@link GuardedSigner}) as a crash, a
 * bad disk or a careless hand may leave it, and the {@link RecordFraming} it and the WAL share. The contract of
 * {@code load}: the state, or an {@link IllegalStateException} saying the file is damaged — never another exception,
 * since a node that cannot tell "damaged" from a bug would be restarted into signing again. A loaded state, saved
 * afresh signature by signature, loads back equal; framing re-frames its records into exactly the valid prefix.
 */
class SignStateFuzzTest {
    static final Path DIR;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            DIR = Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(
                    System.getProperty("java.io.tmpdir")), "cpc-fuzz-signstate");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void file(byte[] data) throws IOException {
        Path file = DIR.resolve("sign_state");
        Files.write(file, data);
        List<String> warnings = new ArrayList<>();
        Optional<SignState> loaded;
        try {
            loaded = new FileSignStateStore(file, warnings::add).load();
        } catch (IllegalStateException damaged) {
            assertThat(damaged).hasMessageContaining("is damaged");
            return;
        }
        if (loaded.isEmpty()) return;
        SignState s = loaded.get();
        Path fresh = DIR.resolve("sign_state.fresh");
        Files.deleteIfExists(fresh);
        FileSignStateStore store = new FileSignStateStore(fresh, w -> { });
        assertThat(store.load()).isEmpty();
        for (int i = 1; i <= s.signatures().size(); i++) store.save(new SignState(s.height(), s.signatures().subList(0, i)));
        assertThat(new FileSignStateStore(fresh, w -> { }).load()).contains(s);
    }

    @FuzzTest
    void framing(byte[] data) {
        RecordFraming.Scan scan;
        try {
            scan = RecordFraming.scan(data, "fuzz", 1 << 16);
        } catch (IllegalStateException corrupt) {
            assertThat(corrupt).hasMessageStartingWith("fuzz: corrupt record at offset ");
            return;
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        for (byte[] r : scan.records()) again.writeBytes(RecordFraming.frame(r));
        assertThat(again.toByteArray()).isEqualTo(Arrays.copyOf(data, (int) scan.validLength()));
        assertThat(scan.tornTail() == null).isEqualTo(scan.validLength() == data.length);
    }

    // ---- seed corpus ----

    static byte[] record(String json) {
        return RecordFraming.frame(json.getBytes(UTF_8));
    }

    static String sig(long h, int r, String step) {
        return "{\"height\":" + h + ",\"round\":" + r + ",\"step\":\"" + step + "\",\"sign_bytes_sha256\":\""
                + "ab".repeat(32) + "\",\"signature\":\"" + "cd".repeat(40) + "\"}";
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static Map<String, byte[]> fileSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] a = record(sig(5, 0, "proposal"));
        byte[] b = record(sig(5, 0, "prevote"));
        byte[] c = record(sig(5, 0, "precommit"));
        byte[] d = record(sig(6, 1, "prevote"));
        s.put("one-height", cat(a, b, c));
        s.put("two-heights", cat(a, b, c, d));
        s.put("torn-header", cat(a, b, Arrays.copyOf(c, 5)));
        s.put("torn-payload", cat(a, Arrays.copyOf(b, b.length - 3)));
        byte[] badCrc = c.clone();
        badCrc[5] ^= 1;
        s.put("last-bad-crc", cat(a, b, badCrc));
        s.put("middle-bad-crc", cat(a, badCrc, d));
        s.put("not-increasing", cat(b, a));
        s.put("lower-height", cat(d, a));
        s.put("unknown-step", record(sig(5, 0, "commit")));
        s.put("round-too-big", record(sig(5, 0, "prevote").replace("\"round\":0", "\"round\":2147483648")));
        s.put("extra-field", record(sig(5, 0, "prevote").replace("{", "{\"x\":1,")));
        s.put("not-json", record("not json"));
        s.put("huge-length", new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
        s.put("negative-length", new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0});
        return s;
    }

    static Map<String, byte[]> framingSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("records", cat(RecordFraming.frame(new byte[0]), RecordFraming.frame(new byte[] {1, 2, 3}),
                RecordFraming.frame("{}".getBytes(UTF_8))));
        s.put("torn", Arrays.copyOf(RecordFraming.frame(new byte[] {1, 2, 3}), 9));
        byte[] bad = RecordFraming.frame(new byte[] {1, 2, 3});
        bad[10] ^= 1;
        s.put("bad-crc-last", bad);
        s.put("bad-crc-middle", cat(bad, RecordFraming.frame(new byte[] {4})));
        s.put("over-max", new byte[] {0, 1, 0, 1, 0, 0, 0, 0});
        return s;
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "file", fileSeeds());
        FuzzSeeds.write(getClass(), "framing", framingSeeds());
    }
}
