package org.cpc.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.cpc.protocol.codec.Jcs;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own errors (a request line it cannot parse, headers over the limit, an overloaded thread pool) reach
 * clients as the same JSON error object the API uses, never as an HTML page with server details.
 */
final class JsonErrorHandler extends ErrorHandler {
    /** Errors of a request Jetty got as far as handing to the servlet layer (an overloaded pool, say). */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        byte[] body = body(code);
        baseRequest.setHandled(true);
        response.setStatus(code);
        response.setContentType(JsonHttp.JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Errors of a request Jetty could not even parse: not HTTP, headers too large. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, JsonHttp.JSON);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int code) {
        String text = "HTTP " + code + (code == 431 ? ": request headers are too large"
                : code == 400 ? ": the request is not valid HTTP" : "");
        return Jcs.canonicalize(JsonHttp.error(text));
    }
}
