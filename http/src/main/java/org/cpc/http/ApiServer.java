package org.cpc.http;

import java.util.List;

/**
 * A REST server on an {@link HttpService}: where it listens, starting and stopping, and its route table. The node's
 * API and the Task Market extend it and only register their routes on {@link #http}.
 *
 * @param <S> the server itself, so that {@code new XServer(...).start()} keeps its type
 */
public abstract class ApiServer<S extends ApiServer<S>> implements AutoCloseable {
    protected final HttpService http;
    private final String host;
    private final int port;

    /** @param port where {@link #start} listens (0: any free port) */
    protected ApiServer(HttpService http, String host, int port) {
        this.http = http;
        this.host = host;
        this.port = port;
    }

    /** Starts listening, with the routes registered by then. */
    @SuppressWarnings("unchecked")
    public final S start() {
        http.start(host, port);
        return (S) this;
    }

    /** The port it listens on: the one asked for, or the one the system chose for port 0. */
    public final int port() {
        return http.port();
    }

    public final List<HttpService.Route> routes() {
        return http.routes();
    }

    @Override
    public void close() {
        http.close();
    }
}
