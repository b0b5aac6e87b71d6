/**
 * A deterministic stand-in for the engine worker, at the worker-client boundary: scores are derived
 * from the image's bytes, the prompts and the reference bank, so a model of what the user should see
 * can compute the same numbers. Features "stored" by content hash outlive a page (like the worker's
 * feature store in IndexedDB); everything else is the worker's memory and dies with the page.
 */
import { buildPromptSet } from '../../core/prompts';
import type { PromptSet } from '../../core/types';

/** FNV-1a over a string, as a number in [0, 1) with 4 decimals (scores that print and compare well). */
export function unit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return Math.round(((h >>> 0) / 2 ** 32) * 10_000) / 10_000;
}

/** A tiny PNG whose header passes the app's image check and whose bytes differ per `seed`. */
export function pngBytes(seed: string): Uint8Array<ArrayBuffer> {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [
    0,
    0,
    0,
    13,
    ...[...'IHDR'].map((c) => c.charCodeAt(0)),
    0,
    0,
    0,
    4,
    0,
    0,
    0,
    4,
    8,
    2,
    0,
    0,
    0,
  ];
  const crc = [0, 0, 0, 0];
  const tail = [...`seed:${seed}`].map((c) => c.charCodeAt(0));
  return new Uint8Array([...sig, ...ihdr, ...crc, ...tail]);
}

/** The text the fake reads an image as (its bytes, one char per byte). */
export function bytesKey(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

export function promptsKeyOf(
  objectName: string,
  base: Omit<Parameters<typeof buildPromptSet>[0], 'objectName'>,
) {
  return JSON.stringify(buildPromptSet({ ...base, objectName }));
}

/** The score of an image under prompts and a bank (reference keys): the one formula both sides use. */
export function fakeScore(image: string, prompts: string, bank: string[]): number {
  return unit(`${image}|${prompts}|${[...bank].sort().join(',')}`);
}

export function fakeLoo(ref: string, prompts: string, others: string[]) {
  const k = `${ref}|${prompts}|${[...others].sort().join(',')}`;
  return {
    imageScore: 0.2 + 0.3 * unit(`${k}|img`),
    maxPixel: 0.4 + 0.3 * unit(`${k}|px`),
    medianPixel: 0.1,
  };
}

/** What outlives a page: content hashes whose features are "in storage". */
export const storedFeatures = new Set<string>();

async function keyOf(blob: Blob): Promise<string> {
  return bytesKey(new Uint8Array(await blob.arrayBuffer()));
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** One worker's life: dead once its page is gone (its calls never answer, like a closed page's). */
export class FakeEngine {
  dead = false;
  prompts = '';
  bank = new Map<string, string>();
  features = new Map<string, string>();
  identity = 'model-1';

  private live<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.dead) return never<T>();
    return Promise.resolve().then(fn);
  }

  private summary(id: string) {
    const image = this.features.get(id)!;
    const bank = [...this.bank.values()];
    const score = fakeScore(image, this.prompts, bank);
    return {
      key: id,
      width: 4,
      height: 4,
      score,
      mode: bank.length === 0 ? ('zero-shot' as const) : ('few-shot' as const),
      bank: bank.length,
      mapMin: 0,
      mapMax: score,
      thumbMap: { width: 1, height: 1, data: new Float32Array([score]) },
    };
  }

  private async inspect(id: string, file: Blob) {
    const image = await keyOf(file);
    this.features.set(id, image);
    storedFeatures.add(image);
    return {
      ...this.summary(id),
      thumb: null as unknown as ImageBitmap,
      encodeMs: 1,
      tiles: 1,
      contentHash: image,
      fromStore: false,
      featureBytes: 10,
      saveError: null,
    };
  }

  /** The calls the app's services make (EngineCalls, by name). */
  api() {
    return {
      loadModel: () =>
        this.live(() => ({
          backend: 'wasm',
          reason: null,
          info: { commit: 'c0ffee'.padEnd(40, '0'), backend: 'wasm' },
          weightsFingerprint: `sampled-sha256-v1:${'ab'.repeat(32)}`,
          modelId: this.identity,
        })),
      unloadModel: () => this.live(() => undefined),
      modelIdentity: () => this.live(() => this.identity),
      preprocessConfig: () => this.live(() => null),
      setPrompts: (_s: AbortSignal | undefined, set: PromptSet) =>
        this.live(() => {
          this.prompts = JSON.stringify(set);
          return { embedded: 1, ms: 1 };
        }),
      addReferenceStored: (_s: AbortSignal | undefined, id: string, blob: Blob) =>
        this.live(async () => {
          this.bank.set(id, await keyOf(blob));
          return { key: id, width: 4, height: 4, tiles: 1 };
        }),
      removeReference: (id: string) => this.live(() => void this.bank.delete(id)),
      clearReferences: () => this.live(() => this.bank.clear()),
      inspectStored: (_s: AbortSignal, id: string, file: Blob) => this.live(() => this.inspect(id, file)),
      inspectPrepared: (_s: AbortSignal, id: string, file: Blob) => this.live(() => this.inspect(id, file)),
      rescore: (_s: AbortSignal | undefined, ids: string[]) =>
        this.live(() => ({
          results: ids.filter((id) => this.features.has(id)).map((id) => this.summary(id)),
          ms: 1,
        })),
      bindStored: (bindings: { key: string; contentHash: string }[]) =>
        this.live(() => {
          for (const b of bindings)
            if (storedFeatures.has(b.contentHash)) this.features.set(b.key, b.contentHash);
        }),
      forget: (id: string) => this.live(() => void this.features.delete(id)),
      deleteStoredFeatures: (hashes: string[]) =>
        this.live(() => {
          for (const h of hashes) storedFeatures.delete(h);
        }),
      clearStoredFeatures: () => this.live(() => storedFeatures.clear()),
      leaveOneOut: (_s: AbortSignal, ids: string[], onScore?: (r: unknown, done: number) => void) =>
        this.live(() => {
          const out = ids.map((id) => ({
            key: id,
            ...fakeLoo(
              this.bank.get(id)!,
              this.prompts,
              ids.filter((o) => o !== id).map((o) => this.bank.get(o)!),
            ),
          }));
          for (const [i, r] of out.entries()) onScore?.(r, i + 1);
          return out;
        }),
      stats: () =>
        this.live(() => ({ imageEncoderRuns: 0, imagesEncoded: 0, promptsEmbedded: 0, textEncoderRuns: 0 })),
    };
  }
}
