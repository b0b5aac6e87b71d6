import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/fixture';
import { startTestHub, type TestHub } from '../../test/hub-server';
import type { DownloadProgress } from './hub';
import {
  cachedCommit,
  cachedFile,
  hfCacheStore,
  hubEnv,
  linkSnapshot,
  repoFolder,
  snapshotPath,
} from './hub-cache-node';
import { hubModelPaths } from './hub-model-node';

const COMMIT = '1'.repeat(40);
const TOKENIZER_COMMIT = '2'.repeat(40);
const tmp = mkdtempSync(join(tmpdir(), 'winclip-hubcache-'));
const config = join(FIXTURE_DIR, 'open_clip_config.json');
const weights = join(FIXTURE_DIR, 'open_clip_model.safetensors');
const tokenizer = join(FIXTURE_DIR, 'tokenizer.json');
const weightBytes = readFileSync(weights).length;

describe('hubEnv', () => {
  it('follows huggingface_hub: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub', () => {
    expect(hubEnv({})).toEqual({
      endpoint: 'https://huggingface.co',
      cacheDir: join(homedir(), '.cache/huggingface/hub'),
      offline: false,
      token: null,
    });
    expect(hubEnv({ XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/hub');
    expect(hubEnv({ XDG_CACHE_HOME: '/x', HF_HOME: '/h' }).cacheDir).toBe('/h/hub');
    expect(hubEnv({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir).toBe('/c');
    expect(
      hubEnv({ HF_ENDPOINT: 'http://mirror:8080/', HF_HUB_OFFLINE: 'true', HF_TOKEN: ' t ' }),
    ).toMatchObject({
      endpoint: 'http://mirror:8080',
      offline: true,
      token: 't',
    });
    expect(hubEnv({ HF_HUB_OFFLINE: '0' }).offline).toBe(false);
    expect(() => hubEnv({ HF_ENDPOINT: 'ftp://x' })).toThrow(
      'HF_ENDPOINT: The hub URL must use http(s): ftp://x',
    );
  });
});

describe('the cache layout', () => {
  it('names repo folders and snapshot paths as huggingface_hub', () => {
    expect(repoFolder('/c', 'timm/vit_b')).toBe('/c/models--timm--vit_b');
    expect(snapshotPath('/c', 'o/n', COMMIT, 'sub/f.json')).toBe(
      `/c/models--o--n/snapshots/${COMMIT}/sub/f.json`,
    );
  });

  it('reads a cache filled by Python: refs/<branch> → snapshots/<commit>/<file>, .no_exist markers', async () => {
    const cache = join(tmp, 'py');
    const repo = join(cache, 'models--o--n');
    mkdirSync(join(repo, 'refs'), { recursive: true });
    writeFileSync(join(repo, 'refs/main'), `${COMMIT}\n`);
    mkdirSync(join(repo, 'blobs'), { recursive: true });
    writeFileSync(join(repo, 'blobs/abc'), 'x');
    await linkSnapshot(join(repo, 'blobs/abc'), snapshotPath(cache, 'o/n', COMMIT, 'f.json'));
    mkdirSync(join(repo, '.no_exist', COMMIT), { recursive: true });
    writeFileSync(join(repo, '.no_exist', COMMIT, 'tokenizer.json'), '');
    expect(await cachedCommit(cache, 'o/n', 'main')).toBe(COMMIT);
    expect(await cachedCommit(cache, 'o/n', 'dev')).toBeNull();
    expect(await cachedCommit(cache, 'o/n', 'f'.repeat(40))).toBe('f'.repeat(40));
    expect(await cachedFile(cache, 'o/n', COMMIT, 'f.json')).toBe(
      snapshotPath(cache, 'o/n', COMMIT, 'f.json'),
    );
    expect(await cachedFile(cache, 'o/n', COMMIT, 'tokenizer.json')).toBe('absent');
    expect(await cachedFile(cache, 'o/n', COMMIT, 'other.json')).toBeNull();
    const store = hfCacheStore(cache);
    const at = (file: string, revision = 'main') => ({ kind: 'hub' as const, repo: 'o/n', revision, file });
    const got = await store.read(at('f.json'));
    expect(got !== 'absent' && got?.path).toBe(snapshotPath(cache, 'o/n', COMMIT, 'f.json'));
    expect(got !== 'absent' && (await got?.blob.text())).toBe('x');
    expect(await store.read(at('tokenizer.json'))).toBe('absent');
    expect(await store.read(at('f.json', 'dev'))).toBeNull();
    const env = { ...hubEnv({}), cacheDir: cache, offline: true, endpoint: 'http://127.0.0.1:9' };
    await expect(hubModelPaths({ repo: 'o/n', revision: 'dev', env })).rejects.toThrow(
      `o/n@dev: open_clip_config.json is not in the cache ${repo} (no commit recorded for revision dev); unset HF_HUB_OFFLINE to download it.`,
    );
  });
});

describe('the Hugging Face cache filled from a hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      'o/n': {
        commits: { [COMMIT]: { 'open_clip_config.json': config, 'open_clip_model.safetensors': weights } },
        refs: { main: COMMIT },
      },
      'openai/clip-vit-base-patch32': {
        commits: { [TOKENIZER_COMMIT]: { 'tokenizer.json': tokenizer } },
        refs: { main: TOKENIZER_COMMIT },
      },
    });
  });
  afterAll(() => hub.stop());

  it('stores blobs by ETag (the LFS sha256 from X-Linked-Etag), links the snapshot, records the ref', async () => {
    const cache = join(tmp, 'dl');
    const env = { ...hubEnv({}), cacheDir: cache, endpoint: hub.url };
    const events: DownloadProgress[] = [];
    const got = await hubModelPaths({
      repo: 'o/n',
      revision: 'main',
      env,
      onProgress: (p) => events.push(p),
    });
    const sha = createHash('sha256').update(readFileSync(weights)).digest('hex');
    expect(got.commit).toBe(COMMIT);
    const pointer = snapshotPath(cache, 'o/n', COMMIT, 'open_clip_model.safetensors');
    expect(got.weights).toBe(pointer);
    expect(lstatSync(pointer).isSymbolicLink()).toBe(true);
    // The redirect's X-Linked-Etag, not the ETag of the redirect itself.
    expect(readlinkSync(pointer)).toBe(`../../blobs/${sha}`);
    expect(readFileSync(pointer).length).toBe(weightBytes);
    expect(readFileSync(join(repoFolder(cache, 'o/n'), 'refs/main'), 'utf8')).toBe(COMMIT);
    expect(existsSync(join(repoFolder(cache, 'o/n'), 'blobs', `${sha}.incomplete`))).toBe(false);
    const network = events.filter((e) => e.from === 'network' && e.file === 'open_clip_model.safetensors');
    expect(network.at(-1)).toEqual({
      kind: 'download',
      file: 'open_clip_model.safetensors',
      from: 'network',
      loaded: weightBytes,
      total: weightBytes,
    });
    // The repo has no tokenizer.json: recorded as huggingface_hub does, and the shared one used.
    expect(existsSync(join(repoFolder(cache, 'o/n'), '.no_exist', COMMIT, 'tokenizer.json'))).toBe(true);
    expect(got.tokenizer).toBe(
      snapshotPath(cache, 'openai/clip-vit-base-patch32', TOKENIZER_COMMIT, 'tokenizer.json'),
    );
    // Pinned and cached: no request at all.
    const before = hub.requests.length;
    const again = await hubModelPaths({ repo: 'o/n', revision: COMMIT, env });
    expect(again.weights).toBe(pointer);
    expect(hub.requests.length).toBe(before);
  });

  it('links a blob another commit downloaded instead of fetching it again', async () => {
    const cache = join(tmp, 'shared-blob');
    const env = { ...hubEnv({}), cacheDir: cache, endpoint: hub.url };
    await hubModelPaths({ repo: 'o/n', revision: 'main', env });
    // The snapshot entry goes; the blob stays (as when another commit holds the same file).
    const pointer = snapshotPath(cache, 'o/n', COMMIT, 'open_clip_model.safetensors');
    rmSync(pointer);
    const before = hub.requests.length;
    const got = await hubModelPaths({ repo: 'o/n', revision: 'main', env });
    expect(got.weights).toBe(pointer);
    expect(hub.requests.slice(before).filter((r) => r.startsWith('GET'))).toEqual([]);
  });

  it('copies the blob where a symlink cannot be made', async () => {
    const dir = join(tmp, 'copy');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'blob'), 'bytes');
    const pointer = join(dir, 'snapshots/c/f');
    await linkSnapshot(join(dir, 'blob'), pointer, () => Promise.reject(new Error('EPERM')));
    expect(lstatSync(pointer).isSymbolicLink()).toBe(false);
    expect(readFileSync(pointer, 'utf8')).toBe('bytes');
  });
});
