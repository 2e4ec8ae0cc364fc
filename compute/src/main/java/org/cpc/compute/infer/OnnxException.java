package org.cpc.compute.infer;

/**
 * A model file that cannot be used: malformed protobuf, an operator outside the integer op set (the message names
 * the op and the node), or a model over the limits. The message is meant for the person who supplied the file.
 */
public final class OnnxException extends IllegalArgumentException {
    public OnnxException(String message) {
        super(message);
    }
}
