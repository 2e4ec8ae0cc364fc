/**
 * Protocol v1 cryptography: SHA-256, RFC 6962 Merkle trees, secp256k1 ECDSA for accounts ({@link
 * org.cpc.protocol.crypto.Secp256k1}), ML-DSA-65 for block signatures ({@link org.cpc.protocol.crypto.MlDsa}),
 * and bech32 addresses ({@link org.cpc.protocol.crypto.Address}).
 *
 * <p>Decisions beyond DESIGN.md:
 * <ul>
 *   <li>secp256k1 verification accepts only 64-byte r‖s with 0 &lt; r &lt; n and 0 &lt; s ≤ n/2, and only
 *       33-byte compressed keys (prefix 02/03). These checks run before either implementation is called, so the
 *       native and pure-Java ones agree on every edge case. Recovery also refuses high S: otherwise (r, n−s) with
 *       the flipped recovery id would be a second valid encoding of the same signature.</li>
 *   <li>Addresses must be lowercase. BIP-173 allows an all-uppercase spelling, but the chain compares addresses as
 *       strings, so only one spelling is accepted.</li>
 *   <li>ML-DSA-65 uses FIPS 204's empty context and no pre-hash; the JDK signs hedged (randomised), so two
 *       signatures of the same block differ and both verify.</li>
 * </ul>
 */
package org.cpc.protocol.crypto;
