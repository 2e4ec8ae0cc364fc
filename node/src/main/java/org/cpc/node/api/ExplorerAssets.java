package org.cpc.node.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.cpc.http.ApiException;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * Serves the block explorer: {@code GET /} is its page, {@code GET /explorer/{file}} its scripts and styles, all
 * from the node's own jar (nothing from a CDN; it works offline). Only the files listed in {@link #FILES} exist,
 * so no path a client sends reaches the class path. Every answer carries a strict Content-Security-Policy: scripts
 * only from this node and never inline, no plugins, no framing — so even if data written by a stranger (a task
 * payload, a memo) slipped into the page as markup, it could not run. Scripts may read from this node and from
 * http(s) origins ({@code connect-src}): a task's page asks its PoC validator's Task Market for its live progress.
 */
public final class ExplorerAssets {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String DIR = "/org/cpc/node/explorer/";
    /** Every file of the explorer; anything else under /explorer/ is a 404. */
    public static final List<String> FILES = List.of("index.html", "style.css", "icon.svg", "app.js", "api.js", "dom.js",
            "chart.js", "views-chain.js", "views-accounts.js", "views-market.js");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private record Asset(byte[] bytes, String type, String etag) {}

    private final Map<String, Asset> assets = new HashMap<>();

    ExplorerAssets() {
        for (String f : FILES) {
            byte[] bytes = load(f);
            assets.put(f, new Asset(bytes, TYPES.get(f.substring(f.lastIndexOf('.') + 1)),
                    "\"" + Hex.encode(Sha256.hash(bytes)) + "\""));
        }
    }

    void register(BiConsumer<String, Handler> get) {
        get.accept("/", ctx -> serve(ctx, "index.html"));
        get.accept("/explorer/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(Context ctx, String name) {
        Asset a = assets.get(name);
        if (a == null) throw ApiException.notFound("the explorer has no file '" + name + "'");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // Revalidate every time (cheap: 304 on the same ETag), so a node upgrade shows its new explorer at once.
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", a.etag());
        if (a.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(a.type()).result(a.bytes());
    }

    private static byte[] load(String name) {
        try (InputStream in = ExplorerAssets.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("explorer file " + name + " is missing from the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
