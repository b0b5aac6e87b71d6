/**
 * One loader, two stores: the same scenario (a fresh download with progress, a branch resolved to its
 * commit, then both loaded again from the store with the hub stopped) on the Hugging Face cache on
 * disk (Node, with Node's transport) and on Cache Storage (the browser's, with the browser's transport).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/fixture';
import { startTestHub, type TestHub } from '../../test/hub-server';
import type { DownloadProgress } from './hub';
import { hfCacheStore } from './hub-cache-node';
import { nodeRemote } from './hub-remote-node';
import { cacheStorageStore } from './model-cache';
import { type LoaderContext, loadRemoteModel } from './model-loader';
import { browserRemote } from './model-remote';
import type { ModelStore } from './model-store';

const MAIN = 'a'.repeat(40);
const DEV = 'd'.repeat(40);
const TOKENIZER_COMMIT = 'c'.repeat(40);
const fixture = (f: string) => join(FIXTURE_DIR, f);
const configBytes = readFileSync(fixture('open_clip_config.json'));
const weightBytes = readFileSync(fixture('open_clip_model.safetensors'));
const weightDigest = createHash('sha256').update(weightBytes).digest('hex');
const tokenizerJson = JSON.parse(readFileSync(fixture('tokenizer.json'), 'utf8'));

/** Cache Storage's methods the store uses, in memory; a put keeps nothing unless its body completes. */
class MemoryCache {
  private readonly entries = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  private static url(key: RequestInfo | URL): string {
    return typeof key === 'string' ? key : key instanceof URL ? key.href : key.url;
  }
  async match(key: RequestInfo | URL): Promise<Response | undefined> {
    const hit = this.entries.get(MemoryCache.url(key));
    return hit ? new Response(hit.body.slice(0), { headers: hit.headers }) : undefined;
  }
  async put(key: RequestInfo | URL, res: Response): Promise<void> {
    const body = await res.arrayBuffer();
    this.entries.set(MemoryCache.url(key), { body, headers: new Headers(res.headers) });
  }
  async delete(key: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(MemoryCache.url(key));
  }
  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

function startHub(): Promise<TestHub> {
  const model = {
    'open_clip_config.json': fixture('open_clip_config.json'),
    'open_clip_model.safetensors': fixture('open_clip_model.safetensors'),
  };
  // The model repo has no tokenizer.json (as most OpenCLIP repos): the shared CLIP one is taken.
  return startTestHub({
    'acme/tiny': { commits: { [MAIN]: model, [DEV]: model }, refs: { main: MAIN, dev: DEV } },
    'openai/clip-vit-base-patch32': {
      commits: { [TOKENIZER_COMMIT]: { 'tokenizer.json': fixture('tokenizer.json') } },
      refs: { main: TOKENIZER_COMMIT },
    },
  });
}

interface Backend {
  name: string;
  make(hubUrl: string): Pick<LoaderContext, 'store' | 'remote'> & { store: ModelStore };
}

const backends: Backend[] = [
  {
    name: 'the Hugging Face cache on disk (Node)',
    make(hubUrl) {
      const cacheDir = mkdtempSync(join(tmpdir(), 'winclip-loader-'));
      const env = { endpoint: hubUrl, cacheDir, offline: false, token: null };
      return { store: hfCacheStore(cacheDir), remote: nodeRemote(env) };
    },
  },
  {
    name: 'Cache Storage (browser)',
    make: (hubUrl) => ({
      store: cacheStorageStore(new MemoryCache() as unknown as Cache),
      remote: browserRemote(hubUrl),
    }),
  },
];

/** The bytes' sha256: comparing 10 MB element by element would take minutes. */
async function digestOf(blob: Blob | undefined): Promise<string> {
  return createHash('sha256')
    .update(new Uint8Array(await (blob as Blob).arrayBuffer()))
    .digest('hex');
}

describe.each(backends)('the model loader on $name', ({ make }) => {
  let hub: TestHub;
  let store: ModelStore;
  let ctx: Pick<LoaderContext, 'store' | 'remote' | 'hubUrl'>;
  beforeAll(async () => {
    hub = await startHub();
    const made = make(hub.url);
    store = made.store;
    ctx = { ...made, hubUrl: hub.url };
  });
  afterAll(() => hub.stop());
  const load = (revision: string, events: DownloadProgress[]) =>
    loadRemoteModel(
      { kind: 'hub', repo: 'acme/tiny', label: 'acme/tiny', revision },
      {
        ...ctx,
        tokenizerRepo: 'openai/clip-vit-base-patch32',
        offline: 'when-unreachable',
        onProgress: (p) => events.push(p),
      },
    );

  it('downloads a model with progress, resolving the branch to its commit, into the store', async () => {
    const events: DownloadProgress[] = [];
    const got = await load('main', events);
    expect(got.commit).toBe(MAIN);
    expect(got.files.commit).toBe(MAIN);
    expect(got.fromStore).toBe(false);
    expect(got.storeError).toBeNull();
    expect(got.files.config).toEqual(JSON.parse(configBytes.toString('utf8')));
    expect(got.files.tokenizer).toEqual(tokenizerJson);
    expect(await digestOf(got.files.weightsOnDisk?.file)).toBe(weightDigest);
    expect(await store.readRef('acme/tiny', 'main')).toBe(MAIN);
    const last = (file: string) => events.filter((e) => e.file === file && e.from === 'network').at(-1);
    expect(last('open_clip_config.json')).toMatchObject({ loaded: configBytes.length });
    expect(last('openai/clip-vit-base-patch32/tokenizer.json')?.loaded).toBeGreaterThan(0);
    expect(last('open_clip_model.safetensors')).toEqual({
      kind: 'download',
      file: 'open_clip_model.safetensors',
      from: 'network',
      loaded: weightBytes.length,
      total: weightBytes.length,
    });
  });

  it('keeps another branch under its own commit', async () => {
    const got = await load('dev', []);
    expect(got.commit).toBe(DEV);
    expect(await store.readRef('acme/tiny', 'dev')).toBe(DEV);
    const config = await store.read({
      kind: 'hub',
      repo: 'acme/tiny',
      revision: DEV,
      file: 'open_clip_config.json',
    });
    expect(config === 'absent' ? null : await config?.blob.text()).toBe(configBytes.toString('utf8'));
  });

  it('loads both again from the store alone once the hub is stopped', async () => {
    await hub.stop();
    for (const [revision, commit] of [
      ['main', MAIN],
      ['dev', DEV],
    ]) {
      const events: DownloadProgress[] = [];
      const got = await load(revision, events);
      expect(got.commit).toBe(commit);
      expect(got.fromStore).toBe(true);
      expect(got.files.tokenizer).toEqual(tokenizerJson);
      expect(await digestOf(got.files.weightsOnDisk?.file)).toBe(weightDigest);
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.from === 'cache')).toBe(true);
    }
  });
});
