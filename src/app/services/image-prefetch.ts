/**
 * Prepares images for the engine ahead of time: while the engine worker runs image N (its thread is
 * blocked by a WASM run), the pre-processing worker decodes image N+1 and pre-processes its tiles, so
 * N+1's tensors are ready when N finishes. At most PREFETCH_DEPTH images are prepared ahead (each
 * holds its tensors, 3·S²·4 bytes per tile, and a thumbnail), so memory stays bounded; an image that
 * is no longer next (cancelled, removed, overtaken by a visible card) is dropped. `?prefetch=0` turns
 * it off: the engine worker then decodes each image itself, as it always can.
 */
import type { PreparedImage } from '../../../workers/protocol';
import type { PreprocessConfig } from '../../core/preprocess';
import type { InspectedImage } from '../state/types';
import { PrepClient } from '../worker-client/prep-client';

/** Images prepared ahead of the one being scored. */
export const PREFETCH_DEPTH = 1;

interface Entry {
  id: string;
  file: File;
  config: string;
  /** Null when preparing failed (the engine then decodes it, and reports any error itself). */
  prepared: Promise<PreparedImage | null>;
}

let client: PrepClient | null = null;
let ahead: Entry[] = [];

/** What the pipeline did (the `winclip.prefetchStats()` debug handle; the benchmark reads it). */
export interface PrefetchStats {
  /** Images the queue took prepared, and how many of them had been prepared ahead. */
  taken: number;
  ahead: number;
  /** Summed time the pre-processing worker spent on them (hash, decode, thumbnail, tiles). */
  prepMs: number;
  /** Summed time the queue waited for them once it wanted them (near 0 when prepared in time). */
  waitMs: number;
}
const stats: PrefetchStats = { taken: 0, ahead: 0, prepMs: 0, waitMs: 0 };

export function prefetchStats(): PrefetchStats {
  return { ...stats };
}

/** Off with `?prefetch=0` (to measure, or where a second worker is unwelcome). */
export function prefetchEnabled(): boolean {
  return new URLSearchParams(globalThis.location?.search ?? '').get('prefetch') !== '0';
}

function prep(): PrepClient {
  client ??= new PrepClient(
    () =>
      new Worker(new URL('../../../workers/prep.worker.ts', import.meta.url), {
        type: 'module',
        name: 'winclip-prep',
      }),
  );
  return client;
}

const configKey = (c: PreprocessConfig) => JSON.stringify([c.size, c.mean, c.std]);

function start(image: InspectedImage, config: PreprocessConfig, thumbSide: number): Entry {
  const prepared = prep()
    .prepare(image.file, image.name, thumbSide, config)
    .catch(() => null);
  return { id: image.id, file: image.file, config: configKey(config), prepared };
}

function discard(e: Entry): void {
  // The tensors go with the last reference; the thumbnail's memory is freed at once.
  void e.prepared.then((p) => p?.thumb.close());
}

/** `image` prepared under `config`: the prefetched copy if there is one, else prepared now. */
export async function takePrepared(
  image: InspectedImage,
  config: PreprocessConfig,
  thumbSide: number,
): Promise<PreparedImage | null> {
  const t0 = performance.now();
  const i = ahead.findIndex(
    (e) => e.id === image.id && e.file === image.file && e.config === configKey(config),
  );
  const wasAhead = i >= 0;
  const p = await (wasAhead ? ahead.splice(i, 1)[0] : start(image, config, thumbSide)).prepared;
  if (p) {
    stats.taken++;
    if (wasAhead) stats.ahead++;
    stats.prepMs += p.ms;
    stats.waitMs += performance.now() - t0;
  }
  return p;
}

/** Keeps prepared (or preparing) exactly the images expected next, at most PREFETCH_DEPTH of them. */
export function prefetch(next: InspectedImage[], config: PreprocessConfig, thumbSide: number): void {
  const want = next.slice(0, PREFETCH_DEPTH);
  const key = configKey(config);
  const keep = (e: Entry) => want.some((im) => im.id === e.id && im.file === e.file) && e.config === key;
  for (const e of ahead) if (!keep(e)) discard(e);
  ahead = ahead.filter(keep);
  for (const im of want) {
    if (!ahead.some((e) => e.id === im.id)) ahead.push(start(im, config, thumbSide));
  }
}

/** Drops what was prepared ahead: for `ids`, or everything (a cancelled queue, a model change). */
export function dropPrefetched(ids?: ReadonlySet<string>): void {
  for (const e of ahead) if (!ids || ids.has(e.id)) discard(e);
  ahead = ids ? ahead.filter((e) => !ids.has(e.id)) : [];
}
