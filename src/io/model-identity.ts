/**
 * Identities that key stored data: a model's (weights fingerprint + config) for stored image features
 * and prompt embeddings, and an image file's content hash, so a renamed file is still recognised.
 */
import { fingerprintBytesAsync, type WeightsBytes } from '../core/weights-fingerprint';

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Hex SHA-256 over the weights' fingerprint (the same one recipes carry, see
 * src/core/weights-fingerprint.ts) and the config, which changes how the same weights are run.
 */
export async function modelIdentity(weights: WeightsBytes, config: unknown): Promise<string> {
  return modelIdentityOf(await fingerprintBytesAsync(weights), config);
}

/** `modelIdentity` from a fingerprint already taken (the worker reports it too: one hashing per load). */
export async function modelIdentityOf(fingerprint: string, config: unknown): Promise<string> {
  const input = new TextEncoder().encode(
    `winclip-model-v2\n${fingerprint}\n${JSON.stringify(config ?? null)}\n`,
  );
  return hex(await crypto.subtle.digest('SHA-256', input));
}

/** Hex SHA-256 of an image file's bytes: stored features are keyed by content, not file name. */
export async function contentHash(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as ArrayBuffer));
}
