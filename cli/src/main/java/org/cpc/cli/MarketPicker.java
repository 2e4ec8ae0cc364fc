package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;

/**
 * {@code cpc task create --market auto}: a Task Market chosen from the PoC validators bonded on chain
 * ({@code GET /pocs} on the node). Policy (docs/operations.md, "Finding a Task Market"): among those that announced an
 * http(s) endpoint, the largest bond first, ties by address; the first whose endpoint answers {@code GET /workers}
 * with its worker list within {@link #PROBE_TIMEOUT} is chosen. At most {@link #MAX_PROBED} are tried.
 */
final class MarketPicker {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    static final int MAX_PROBED = 16;

    /** The chosen market: its URL and what the chain says of its PoC validator, and how many workers it has now. */
    record Choice(String url, String address, String name, BigInteger bond, long tasksSettled, int workers) {
        String describe() {
            return url + " (--market auto: PoC validator " + address + (name.isEmpty() ? "" : " \"" + name + "\"")
                    + ", bond " + Amounts.formatCpc(bond) + " CPC, " + tasksSettled + " jobs settled, " + workers
                    + " workers connected)";
        }
    }

    private record Listed(String address, String endpoint, String name, BigInteger bond, long tasksSettled) {}

    private MarketPicker() {}

    /**
     * The market to use; says on {@code err} why each better-bonded one was passed over. Throws a
     * {@link Errors.CliException} naming every candidate's fault when none qualifies.
     */
    static Choice pick(NodeClient node, PrintWriter err) {
        JsonNode pocs = NodeClient.require(node.get("/pocs")).path("pocs");
        List<Listed> listed = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        for (JsonNode p : pocs) {
            String address = p.path("address").asText();
            String endpoint = p.path("endpoint").asText("");
            if (!isHttp(endpoint)) {
                faults.add(address + ": " + (endpoint.isEmpty() ? "announces no endpoint" : "endpoint '" + endpoint
                        + "' is not an http(s) URL"));
                continue;
            }
            listed.add(new Listed(address, endpoint, p.path("name").asText(""), new BigInteger(p.path("bond").asText("0")),
                    p.path("tasks_settled").asLong()));
        }
        // The node lists them so already; the order is this command's policy, so it is not taken on trust.
        listed.sort(Comparator.comparing(Listed::bond).reversed().thenComparing(Listed::address));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT)
                .build();
        for (Listed l : listed.subList(0, Math.min(MAX_PROBED, listed.size()))) {
            String why;
            try {
                int workers = probe(http, l.endpoint());
                return new Choice(l.endpoint(), l.address(), l.name(), l.bond(), l.tasksSettled(), workers);
            } catch (IOException | RuntimeException e) {
                why = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Errors.CliException(Cpc.EXIT_FAILED, "interrupted while choosing a Task Market");
            }
            String fault = l.address() + " at " + l.endpoint() + " (bond " + Amounts.formatCpc(l.bond()) + " CPC): " + why;
            faults.add(fault);
            err.println("--market auto: passing over " + fault);
            err.flush();
        }
        if (listed.size() > MAX_PROBED) faults.add((listed.size() - MAX_PROBED) + " more not tried (at most " + MAX_PROBED + ")");
        throw new Errors.CliException(Cpc.EXIT_FAILED, "no Task Market qualifies for --market auto: " + pocs.size()
                + " PoC validators are bonded on chain (GET /pocs)" + (faults.isEmpty() ? "" : "; "
                + String.join("; ", faults)) + ". Pass --market URL, or have a PoC validator announce its endpoint"
                + " (cpc tx bond --role poc_validator --amount 0 --endpoint URL)");
    }

    private static boolean isHttp(String endpoint) {
        try {
            URI u = URI.create(endpoint);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The number of workers the market at {@code endpoint} has connected; throws when it does not answer as one. */
    private static int probe(HttpClient http, String endpoint) throws IOException, InterruptedException {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/workers")).timeout(PROBE_TIMEOUT)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw new IOException("GET /workers answered HTTP " + r.statusCode());
        JsonNode w = Json.parse(r.body()).path("workers");
        if (!w.isArray()) throw new IOException("GET /workers did not answer a Task Market's worker list");
        return w.size();
    }
}
