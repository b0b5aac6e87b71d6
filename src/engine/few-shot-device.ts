/** The few-shot (WinCLIP+) association of an encoded image against a memory, run on the inference device. */
import type { ScoringParameters } from '../core/score-options';
import { type FewShotTile, fewShotFromAssociations, fewShotQueries, type Memory } from '../core/scoring';
import type { SerialQueue } from '../core/serial-queue';
import type { Geometry } from '../core/types';
import type { EncodedImage } from './api';
import type { GraphSession } from './runtime';

/** min over memory rows of (1 − cos)/2 per query row, on the association session (in the engine's queue). */
export async function associate(
  session: GraphSession,
  queue: SerialQueue,
  query: Float32Array,
  dim: number,
  memory: Float32Array,
): Promise<Float32Array> {
  const r = await queue.run(() =>
    session.run(
      {
        query: { type: 'float32', data: query, dims: [query.length / dim, dim] },
        memory: { type: 'float32', data: memory, dims: [memory.length / dim, dim] },
      },
      ['distance'],
    ),
  );
  return r.distance.data;
}

/** Visual association of every tile of `enc` against `memory`. */
export async function fewShotTiles(
  enc: EncodedImage,
  memory: Memory,
  geom: Geometry,
  params: ScoringParameters,
  run: (query: Float32Array, dim: number, memory: Float32Array) => Promise<Float32Array>,
): Promise<FewShotTile[]> {
  const { scales } = params;
  const fewShot: FewShotTile[] = [];
  for (const tile of enc.tiles) {
    const q = fewShotQueries(tile, geom, scales);
    const patches = await run(q.patches, geom.visionWidth, memory.patches);
    const windows = new Map<number, Float32Array>();
    for (const k of scales) {
      const mem = memory.windows.get(k);
      if (!mem) throw new Error(`memory has no scale-${k} windows`);
      windows.set(k, await run(q.windows.get(k)!, geom.embedDim, mem));
    }
    fewShot.push(fewShotFromAssociations(patches, windows, geom, params));
  }
  return fewShot;
}
