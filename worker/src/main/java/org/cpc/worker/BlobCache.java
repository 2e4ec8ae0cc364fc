package org.cpc.worker;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.compute.market.BlobSource;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * The pool worker's copy of task inputs: blobs fetched from the PoC validator's {@code GET /blobs/{hash}}, checked
 * against their hash, and kept while they are in use (the few most recent, up to a byte budget).
 */
final class BlobCache implements BlobSource {
    private final URI base;
    private final HttpClient http;
    private final long budgetBytes;
    private final Map<String, MemorySegment> blobs = new LinkedHashMap<>(16, 0.75f, true);
    private long held;
    private final AtomicLong downloaded = new AtomicLong();

    BlobCache(URI httpBase, long budgetBytes) {
        this.base = httpBase;
        this.budgetBytes = budgetBytes;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Bytes fetched from the PoC validator so far (cache hits fetch nothing). */
    long downloadedBytes() {
        return downloaded.get();
    }

    @Override
    public MemorySegment blob(String hash) {
        synchronized (this) {
            MemorySegment s = blobs.get(hash);
            if (s != null) return s;
        }
        byte[] data = fetch(hash);
        synchronized (this) {
            MemorySegment s = MemorySegment.ofArray(data);
            if (blobs.put(hash, s) == null) held += data.length;
            var it = blobs.entrySet().iterator();
            while (held > budgetBytes && blobs.size() > 2 && it.hasNext()) {
                var e = it.next();
                if (e.getKey().equals(hash)) continue;
                held -= e.getValue().byteSize();
                it.remove();
            }
            return s;
        }
    }

    private byte[] fetch(String hash) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/blobs/" + hash)).timeout(Duration.ofMinutes(5)).GET().build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("the PoC validator answered " + r.statusCode() + " for blob " + hash);
            }
            byte[] data = r.body();
            downloaded.addAndGet(data.length);
            if (!MessageDigest.isEqual(Sha256.hash(data), Hex.decode(hash))) {
                throw new IllegalArgumentException("blob " + hash + " arrived with different contents");
            }
            return data;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot fetch blob " + hash + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while fetching blob " + hash, e);
        }
    }
}
