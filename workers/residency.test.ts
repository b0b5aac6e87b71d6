import { describe, expect, it } from 'vitest';
import type { EncodedImage } from '../src/engine/api';
import { encodedBytes, type FeatureStore } from '../src/engine/feature-store';
import { FeatureResidency, type ResidentEngine } from './residency';

function features(seed: number): EncodedImage {
  const f = (n: number) => Float32Array.from({ length: n }, (_, i) => seed + i);
  return {
    width: 10,
    height: 10,
    boxes: [[0, 0, 10, 10]],
    tiles: [{ imageEmbedding: f(4), patchEmbeddings: f(8), windowEmbeddings: new Map([[2, f(6)]]) }],
  } as EncodedImage;
}

class FakeEngine implements ResidentEngine {
  readonly held = new Map<string, EncodedImage>();
  refs: string[] = [];
  encodes = 0;
  getEncoded(key: string) {
    return this.held.get(key);
  }
  putEncoded(key: string, enc: EncodedImage) {
    this.held.set(key, enc);
  }
  forget(key: string) {
    this.held.delete(key);
  }
  referenceKeys() {
    return this.refs;
  }
  encode(key: string, seed: number) {
    this.encodes++;
    this.held.set(key, features(seed));
  }
}

class FakeStore implements FeatureStore {
  readonly entries = new Map<string, EncodedImage>();
  gets = 0;
  failPut: Error | null = null;
  async get(key: string) {
    this.gets++;
    return this.entries.get(key) ?? null;
  }
  async put(key: string, enc: EncodedImage) {
    if (this.failPut) throw this.failPut;
    this.entries.set(key, enc);
    return encodedBytes(enc);
  }
  async has(key: string) {
    return this.entries.has(key);
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
}

/** A residency of `capacity` with `n` images inspected in order, as the host does it. */
async function setup(capacity: number, n: number) {
  const engine = new FakeEngine();
  const store = new FakeStore();
  const dropped: string[] = [];
  const residency = new FeatureResidency((k) => dropped.push(k), capacity);
  residency.attach(engine, store);
  const inspect = async (i: number) => {
    const info = await residency.featuresFor(`img${i}`, `hash${i}`, async () => engine.encode(`img${i}`, i));
    residency.markUsed(`img${i}`);
    return info;
  };
  for (let i = 1; i <= n; i++) await inspect(i);
  return { engine, store, dropped, residency, inspect };
}

describe('feature residency', () => {
  it('keeps at most the working set in memory, dropping the least recently used first', async () => {
    const { engine, store, dropped, residency } = await setup(3, 5);
    expect([...engine.held.keys()].sort()).toEqual(['img3', 'img4', 'img5']);
    expect(dropped).toEqual(['img1', 'img2']);
    expect(residency.residentKeys()).toEqual(['img3', 'img4', 'img5']);
    // Everything was stored on the way, so nothing is lost.
    expect(store.entries.size).toBe(5);
    expect(residency.memory()).toEqual({ inMemory: 3, unsaved: 0, workingSet: 3, bytes: 3 * 18 * 4 });
  });

  it('a use moves an image to the front: the next drop takes another', async () => {
    const { engine, dropped, residency, inspect } = await setup(3, 3);
    expect(await residency.ensureLoaded('img1')).toBe(true);
    await inspect(4);
    expect(dropped).toEqual(['img2']);
    expect(engine.held.has('img1')).toBe(true);
  });

  it('reloads dropped features from the store on demand, without encoding again', async () => {
    const { engine, store, dropped, residency } = await setup(2, 3);
    expect(engine.held.has('img1')).toBe(false);
    const gets = store.gets;
    expect(await residency.ensureLoaded('img1')).toBe(true);
    expect(store.gets).toBe(gets + 1);
    expect(engine.encodes).toBe(3);
    expect(engine.getEncoded('img1')?.tiles[0].imageEmbedding[0]).toBe(1);
    // Loading it dropped the least recently used one to stay within the bound.
    expect(dropped).toEqual(['img1', 'img2']);
    expect([...engine.held.keys()].sort()).toEqual(['img1', 'img3']);
    // Unknown images are not invented.
    expect(await residency.ensureLoaded('never-bound')).toBe(false);
  });

  it('reads features it has stored instead of encoding them', async () => {
    const { engine, residency } = await setup(4, 2);
    residency.forget('img1');
    engine.forget('img1');
    const info = await residency.featuresFor('again', 'hash1', async () => engine.encode('again', 99));
    expect(info).toEqual({ fromStore: true, featureBytes: 18 * 4, saveError: null });
    expect(engine.encodes).toBe(2);
    expect(engine.getEncoded('again')?.tiles[0].imageEmbedding[0]).toBe(1);
  });

  it('pins references in memory, outside the working set', async () => {
    const { engine, residency, inspect } = await setup(2, 1);
    engine.refs = ['img1'];
    residency.pin('img1');
    for (let i = 2; i <= 6; i++) await inspect(i);
    expect(engine.held.has('img1')).toBe(true);
    expect(residency.residentKeys()).toEqual(['img5', 'img6']);
    expect(residency.memory()).toEqual({ inMemory: 2, unsaved: 0, workingSet: 2, bytes: 3 * 18 * 4 });
  });

  it('never drops features that could not be stored, and says why', async () => {
    const { engine, store, residency, inspect } = await setup(2, 0);
    store.failPut = new DOMException('quota', 'QuotaExceededError');
    expect(await inspect(1)).toEqual({ fromStore: false, featureBytes: 0, saveError: 'storage is full' });
    store.failPut = new Error('disk on fire');
    expect((await inspect(2)).saveError).toBe('disk on fire');
    store.failPut = null;
    for (let i = 3; i <= 6; i++) await inspect(i);
    expect(engine.held.has('img1')).toBe(true);
    expect(engine.held.has('img2')).toBe(true);
    expect(residency.memory()).toMatchObject({ inMemory: 4, unsaved: 2 });
  });

  it('a new model forgets the bindings of the old one', async () => {
    const { residency } = await setup(3, 2);
    const engine = new FakeEngine();
    residency.attach(engine, new FakeStore());
    expect(await residency.ensureLoaded('img1')).toBe(false);
    expect(residency.residentKeys()).toEqual([]);
  });
});
