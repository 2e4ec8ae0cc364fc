package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Random;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.StoreKeys;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accepted job outputs on a real RocksDB store and real files: where each size goes, and outputs kept before. */
class JobOutputsTest {
    @TempDir
    Path tmp;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void smallOutputsGoWithTheRecordLargeOnesToOutputsUnderTheirKeyAndOlderBlobsStillRead() throws Exception {
        try (PocStore store = new PocStore(tmp.resolve("db"))) {
            BlobStore blobs = new BlobStore(tmp.resolve("blobs"), 1 << 20, InstantSource.system());
            BlobStore files = new BlobStore(tmp.resolve("outputs"), 1 << 20, InstantSource.system());
            JobOutputs outputs = new JobOutputs(store, files, blobs);

            byte[] small = bytes(PocMachine.INLINE_OUTPUT_BYTES, 1);
            String smallKey = Hex.encode(Sha256.hash("a commitment".getBytes()));
            assertThat(outputs.keep(smallKey, small)).as("written with the job's record").isSameAs(small);
            assertThat(Files.exists(files.path(smallKey))).isFalse();
            store.write(new String[0], new com.fasterxml.jackson.databind.JsonNode[0], StoreKeys.output(smallKey), small)
                    .join();
            assertThat(outputs.read(smallKey)).isEqualTo(small);

            byte[] large = bytes(PocMachine.INLINE_OUTPUT_BYTES + 1, 2);
            String largeKey = Hex.encode(Sha256.hash("another commitment".getBytes()));
            assertThat(outputs.keep(largeKey, large)).as("a file, nothing for the record").isNull();
            assertThat(Files.readAllBytes(tmp.resolve("outputs").resolve(largeKey))).isEqualTo(large);
            assertThat(blobs.size(largeKey)).as("never a content-addressed blob").isEqualTo(-1);
            assertThat(outputs.read(largeKey)).isEqualTo(large);

            // Kept before outputs had their own directory: a blob named by the output's SHA-256.
            byte[] old = bytes(100_000, 3);
            String oldKey = blobs.put(new java.io.ByteArrayInputStream(old)).hash();
            assertThat(outputs.read(oldKey)).isEqualTo(old);

            String none = Hex.encode(Sha256.hash("no output".getBytes()));
            assertThatThrownBy(() -> outputs.read(none)).hasMessageContaining("no blob " + none);
        }
    }
}
