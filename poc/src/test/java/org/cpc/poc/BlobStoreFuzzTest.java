package org.cpc.poc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a customer sends the PoC validator's blob store ({@link BlobStore}; there is no binary blob header today — a
 * blob's shape is declared by its task's payload, see compute's {@code TaskPayloadFuzzTest}): the body of
 * {@code POST /blobs} and the hash in {@code GET /blobs/{hash}}. The contract of an upload: stored under the SHA-256
 * of exactly its bytes, read back equal, or {@link BlobStore.TooLargeException} past the limit. Of a hash: only 64
 * lowercase hex names a blob; anything else is an {@link IllegalArgumentException} or "none" — never a path outside
 * the store.
 */
class BlobStoreFuzzTest {
    static final long MAX = 256;
    static final Path DIR;
    static final BlobStore STORE;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            DIR = Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(
                    System.getProperty("java.io.tmpdir")), "cpc-fuzz-blobs");
            DIR.toFile().deleteOnExit();
            STORE = new BlobStore(DIR, MAX, InstantSource.system());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void upload(byte[] body) throws IOException {
        BlobStore.Stored s;
        try {
            s = STORE.put(new ByteArrayInputStream(body));
        } catch (BlobStore.TooLargeException refused) {
            assertThat((long) body.length).isGreaterThan(MAX);
            return;
        }
        assertThat(body.length).isLessThanOrEqualTo((int) MAX);
        assertThat(s.hash()).isEqualTo(Hex.encode(Sha256.hash(body)));
        assertThat(s.size()).isEqualTo(body.length);
        assertThat(STORE.read(s.hash())).isEqualTo(body);
        assertThat(STORE.size(s.hash())).isEqualTo(body.length);
        STORE.deleteIfOlder(s.hash(), java.time.Instant.MAX);
    }

    @FuzzTest
    void hash(byte[] utf8) {
        String h = new String(utf8, UTF_8);
        boolean isHash = BlobStore.isHash(h);
        assertThat(isHash).isEqualTo(h.matches("[0-9a-f]{64}"));
        assertThat(STORE.size(h)).isEqualTo(-1);
        assertThat(STORE.touch(h)).isFalse();
        try {
            Path p = STORE.path(h);
            assertThat(isHash).isTrue();
            assertThat(p.getParent()).isEqualTo(DIR);
        } catch (IllegalArgumentException refused) {
            assertThat(isHash).isFalse();
        }
        try {
            STORE.read(h);
            throw new AssertionError("read a blob that was never stored: " + h);
        } catch (IllegalArgumentException refused) {
            // "no blob" or "not a blob hash"
        }
    }

    // ---- seed corpus ----

    static Map<String, byte[]> uploadSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("small", "int8 matrix".getBytes(UTF_8));
        s.put("at-limit", new byte[(int) MAX]);
        s.put("over-limit", new byte[(int) MAX + 1]);
        byte[] m = new byte[64];
        for (int i = 0; i < m.length; i++) m[i] = (byte) (i * 37);
        s.put("matrix", m);
        return s;
    }

    static Map<String, byte[]> hashSeeds() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("hash", "ab".repeat(32));
        s.put("hash-upper", "AB".repeat(32));
        s.put("traversal", "../../etc/passwd");
        s.put("traversal-64", "../" + "a".repeat(61));
        s.put("tmp-dir", "tmp");
        s.put("absolute", "/" + "a".repeat(63));
        s.put("short", "abc");
        s.put("nul", "a".repeat(63) + "\0");
        return FuzzSeeds.utf8(s);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "upload", uploadSeeds());
        FuzzSeeds.write(getClass(), "hash", hashSeeds());
    }
}
