package org.cpc.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cpc.protocol.codec.Jcs;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own errors (a request line it cannot parse, headers over the limit, an overloaded thread pool) reach
 * clients as the same JSON error object the API uses, never as an HTML page with server details.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        String text = "HTTP " + code + (code == 431 ? ": request headers are too large"
                : code == 400 ? ": the request is not valid HTTP" : "");
        byte[] body = Jcs.canonicalize(JsonHttp.error(text));
        baseRequest.setHandled(true);
        response.setStatus(code);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
