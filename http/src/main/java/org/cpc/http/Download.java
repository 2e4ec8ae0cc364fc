package org.cpc.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves a content-addressed file (a blob, a task's result) so that any HTTP client gets it whole and can resume it:
 * the exact {@code Content-Length}, a strong {@code ETag} (the quoted SHA-256 hex of the bytes, which is also the
 * name they are stored under), {@code HEAD}, single {@code Range} requests (206, or 416 when the range lies outside
 * the file), {@code If-Range} and {@code If-None-Match}.
 *
 * <p>Compression is off for these answers. Their bytes are int8 matrices and int32 products that gzip barely
 * shrinks, and a compressed body would no longer match its {@code Content-Length}, {@code Content-Range} and
 * {@code ETag}: serving gzip under the raw length is exactly how an earlier build cut downloads short for clients
 * that send {@code Accept-Encoding: gzip}.
 */
public final class Download {
    private Download() {}

    /** A byte range, both ends inclusive. */
    record Range(long first, long last) {
        long length() {
            return last - first + 1;
        }
    }

    /**
     * Answers {@code ctx} with the file's bytes, or the part a {@code Range} asks for.
     *
     * @param sha256Hex the SHA-256 hex of the file's bytes (its ETag)
     */
    public static void serve(Context ctx, Path file, String sha256Hex, String contentType) throws IOException {
        long size = Files.size(file);
        String etag = '"' + sha256Hex + '"';
        ctx.disableCompression();
        ctx.header("ETag", etag);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", "public, max-age=31536000, immutable"); // content-addressed: never changes
        if (matches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        String rangeHeader = ctx.header("Range");
        String ifRange = ctx.header("If-Range");
        Range range = null;
        if (rangeHeader != null && (ifRange == null || ifRange.equals(etag))) {
            range = parse(rangeHeader, size);
            if (range == null) {
                ctx.status(416);
                ctx.header("Content-Range", "bytes */" + size);
                ctx.contentType("application/json");
                ctx.result("{\"error\":\"range '" + sanitize(rangeHeader) + "' is outside the " + size
                        + " bytes of this file; ask for bytes=FIRST-LAST with FIRST < " + size + "\"}");
                return;
            }
        }
        ctx.contentType(contentType);
        long length = size;
        long first = 0;
        if (range != null) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            first = range.first();
            length = range.length();
        }
        ctx.header("Content-Length", Long.toString(length));
        if (ctx.method() == HandlerType.HEAD) return;
        SeekableByteChannel ch = Files.newByteChannel(file);
        ch.position(first);
        InputStream in = Channels.newInputStream(ch);
        ctx.result(length == size ? in : new BoundedInputStream(in, length));
    }

    /**
     * The one range a {@code Range} header asks for, clipped to the file; null when it is unsatisfiable. A header
     * this server does not take (another unit, several ranges, bad syntax) is ignored, as RFC 9110 allows, and the
     * whole file is served: {@code Range(0, size - 1)}.
     */
    static Range parse(String header, long size) {
        Range whole = new Range(0, size - 1);
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) return size == 0 ? null : whole;
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) return size == 0 ? null : whole;
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) { // suffix: the last b bytes
                if (b.isEmpty()) return whole;
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) return null;
                return new Range(Math.max(0, size - n), size - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) return size == 0 ? null : whole; // invalid: ignored
            if (first >= size) return null;
            return new Range(first, Math.min(last, size - 1));
        } catch (NumberFormatException e) {
            return size == 0 ? null : whole;
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String t : ifNoneMatch.split(",")) {
            String s = t.trim();
            if (s.startsWith("W/")) s = s.substring(2);
            if (s.equals(etag) || s.equals("*")) return true;
        }
        return false;
    }

    private static String sanitize(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) : s;
        return cut.replaceAll("[^A-Za-z0-9=,\\- ]", "?");
    }

    /** Reads at most {@code limit} bytes of {@code in}, then reports the end. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
