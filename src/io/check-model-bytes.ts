/**
 * Early checks on model bytes, run while they arrive: catch an HTML error page, a Git LFS pointer or an
 * image under a model file's name before downloading or building anything. Full validation (tensor
 * names and shapes against the config) is the engine's and reports through the same message path.
 */

import { ConfigError, type ModelConfig, parseModelConfig } from '../model/config';
import { checkClipTokenizer } from '../model/tokenizer-check';
import { sniffImageFormat } from './decode-browser';

class ModelFileError extends Error {
  override name = 'ModelFileError';
}

function describeStart(bytes: Uint8Array): string | null {
  const head = new TextDecoder().decode(bytes.subarray(0, 200)).trimStart().toLowerCase();
  if (head.startsWith('version https://git-lfs'))
    return 'a Git LFS pointer, not the file itself (fetch it with git lfs pull)';
  if (head.startsWith('<!doctype html') || head.startsWith('<html'))
    return 'an HTML page (an error or login page?)';
  const image = sniffImageFormat(bytes.subarray(0, 16));
  if (image) return `a ${image.toUpperCase()} image`;
  return null;
}

function parseJsonFile(bytes: Uint8Array, name: string): unknown {
  if (bytes.byteLength === 0) throw new ModelFileError(`${name} is empty.`);
  const what = describeStart(bytes);
  if (what) throw new ModelFileError(`${name} is ${what}, not JSON.`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelFileError(`${name} is not valid JSON (damaged or not the right file).`);
  }
}

/** Parses open_clip_config.json; the wrong JSON file gets a message naming what is missing. */
export function parseConfigFile(bytes: Uint8Array, name: string): { raw: unknown; config: ModelConfig } {
  const raw = parseJsonFile(bytes, name);
  try {
    return { raw, config: parseModelConfig(raw) };
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ModelFileError(`${name} is not a usable OpenCLIP config: ${err.message}`);
    throw err;
  }
}

/**
 * Parses tokenizer.json and checks it is CLIP's kind (see checkClipTokenizer): the app's worker is
 * handed the checked bytes and parses them only at the first prompt embedding.
 */
export function parseTokenizerFile(bytes: Uint8Array, name: string): unknown {
  const raw = parseJsonFile(bytes, name) as { model?: { type?: string; vocab?: unknown } } | null;
  if (!raw || typeof raw !== 'object' || !raw.model || typeof raw.model.vocab !== 'object') {
    throw new ModelFileError(`${name} is not a Hugging Face tokenizer.json (no model.vocab).`);
  }
  checkClipTokenizer(raw, name);
  return raw;
}

/**
 * Checks the start of a safetensors file once its first bytes are in; returns true when the header
 * looked right (so the caller can stop checking), false while more bytes are needed.
 */
export function checkSafetensorsStart(soFar: Uint8Array, name: string, totalBytes: number): boolean {
  if (soFar.byteLength < 9) return false;
  const what = describeStart(soFar);
  if (what) throw new ModelFileError(`${name} is ${what}, not safetensors weights.`);
  const headerLen = Number(new DataView(soFar.buffer, soFar.byteOffset, 8).getBigUint64(0, true));
  const tooLong = totalBytes > 0 ? 8 + headerLen > totalBytes : headerLen > 100_000_000;
  if (headerLen < 2 || tooLong || soFar[8] !== 0x7b /* '{' */) {
    throw new ModelFileError(`${name} is not a safetensors file (its header is missing or damaged).`);
  }
  return true;
}

/**
 * After a safetensors download: the bytes received must be the size the file's own header describes
 * (8 + header + the end of the last tensor). A mismatch that the transport did not catch means the file
 * changed on the server between or during requests (a re-upload, a mirror serving another revision) or
 * a proxy cut or altered it. Checked on the received bytes, not Content-Length, which a compressed
 * response does not state. The header's own consistency is the model parser's job.
 */
export function checkDownloadedSafetensorsSize(
  bytes: Uint8Array,
  name: string,
  /** The file's whole size when `bytes` is only its first part (weights read in parts). */
  totalBytes = bytes.byteLength,
): void {
  if (bytes.byteLength < 8) return;
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (totalBytes < 8 + headerLen) {
    throw new ModelFileError(
      `${name}: the download has ${totalBytes} bytes, less than its own header (${8 + headerLen} bytes); the file changed on the server or the transfer was cut. Retry.`,
    );
  }
  let header: Record<string, { data_offsets?: unknown }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return;
  }
  let end = 0;
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__' || !Array.isArray(entry?.data_offsets)) continue;
    end = Math.max(end, Number(entry.data_offsets[1]) || 0);
  }
  const described = 8 + headerLen + end;
  if (described !== totalBytes) {
    throw new ModelFileError(
      `${name}: the download has ${totalBytes} bytes but the file's header describes ${described}; the file changed on the server or the transfer was altered. Retry.`,
    );
  }
}
