/**
 * The local keyring: password-encrypted key files in one directory ({@link org.cpc.protocol.keys.Keyring}).
 *
 * <p>Each key is {@code NAME.json}, written atomically and owner-only. Its public part (name, kind, address,
 * public key) is plain JSON; the secret is sealed with AES-256-GCM under a key from Argon2id (64 MiB, 3 passes,
 * 1 lane by default; the file records its own settings). All public fields are GCM associated data, so a file whose
 * address or key was swapped does not unlock. GCM cannot tell a wrong password from an altered ciphertext; both
 * give {@link org.cpc.protocol.keys.WrongPasswordException}.
 */
package org.cpc.protocol.keys;
