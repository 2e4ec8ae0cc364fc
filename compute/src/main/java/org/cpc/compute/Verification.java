package org.cpc.compute;

/**
 * The outcome of checking a synthetic result.
 *
 * @param ok     whether the result is valid
 * @param reason why not, in words a worker can act on; "" when ok
 */
public record Verification(boolean ok, String reason) {
    public static final Verification OK = new Verification(true, "");

    public static Verification failure(String reason) {
        return new Verification(false, reason);
    }
}
