import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/hub-server';
import type { DownloadProgress } from './hub';
import {
  cachedCommit,
  cachedFile,
  hubEnv,
  hubFileToCache,
  linkSnapshot,
  repoFolder,
  snapshotPath,
} from './hub-cache-node';

const COMMIT = '1'.repeat(40);
const tmp = mkdtempSync(join(tmpdir(), 'winclip-hubcache-'));
const small = join(tmp, 'config.json');
const large = join(tmp, 'model.safetensors');
writeFileSync(small, '{"a":1}');
writeFileSync(large, new Uint8Array(300_000).fill(7));

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
    const env = { ...hubEnv({}), cacheDir: cache, offline: true, endpoint: 'http://127.0.0.1:9' };
    const got = await hubFileToCache({ repo: 'o/n', revision: 'main', file: 'f.json', env });
    expect(got).toEqual({ path: snapshotPath(cache, 'o/n', COMMIT, 'f.json'), commit: COMMIT });
    expect(await hubFileToCache({ repo: 'o/n', revision: 'main', file: 'tokenizer.json', env })).toBeNull();
    await expect(hubFileToCache({ repo: 'o/n', revision: 'dev', file: 'f.json', env })).rejects.toThrow(
      `o/n@dev: f.json is not in the cache ${repo} (no commit recorded for revision dev); unset HF_HUB_OFFLINE to download it.`,
    );
  });
});

describe('hubFileToCache from a hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      'o/n': {
        commits: { [COMMIT]: { 'config.json': small, 'model.safetensors': large } },
        refs: { main: COMMIT },
      },
    });
  });
  afterAll(() => hub.stop());

  it('stores blobs by ETag (the LFS sha256 from X-Linked-Etag), links the snapshot, records the ref', async () => {
    const cache = join(tmp, 'dl');
    const env = { ...hubEnv({}), cacheDir: cache, endpoint: hub.url };
    const events: DownloadProgress[] = [];
    const got = await hubFileToCache({
      repo: 'o/n',
      revision: 'main',
      file: 'model.safetensors',
      env,
      onProgress: (p) => events.push(p),
    });
    const sha = createHash('sha256').update(readFileSync(large)).digest('hex');
    expect(got?.commit).toBe(COMMIT);
    const pointer = snapshotPath(cache, 'o/n', COMMIT, 'model.safetensors');
    expect(got?.path).toBe(pointer);
    expect(lstatSync(pointer).isSymbolicLink()).toBe(true);
    const link = readlinkSync(pointer);
    // The redirect's X-Linked-Etag, not the ETag of the redirect itself.
    expect(link).toBe(`../../blobs/${sha}`);
    expect(readFileSync(pointer).length).toBe(300_000);
    expect(readFileSync(join(repoFolder(cache, 'o/n'), 'refs/main'), 'utf8')).toBe(COMMIT);
    expect(existsSync(join(repoFolder(cache, 'o/n'), 'blobs', `${sha}.incomplete`))).toBe(false);
    expect(events.at(-1)).toEqual({
      kind: 'download',
      file: 'model.safetensors',
      from: 'network',
      loaded: 300_000,
      total: 300_000,
    });
    // Pinned and cached: no request at all.
    const before = hub.requests.length;
    const again = await hubFileToCache({ repo: 'o/n', revision: COMMIT, file: 'model.safetensors', env });
    expect(again?.path).toBe(pointer);
    expect(hub.requests.length).toBe(before);
  });

  it('records a missing file as huggingface_hub does and returns null', async () => {
    const cache = join(tmp, 'missing');
    const env = { ...hubEnv({}), cacheDir: cache, endpoint: hub.url };
    expect(await hubFileToCache({ repo: 'o/n', revision: 'main', file: 'tokenizer.json', env })).toBeNull();
    expect(existsSync(join(repoFolder(cache, 'o/n'), '.no_exist', COMMIT, 'tokenizer.json'))).toBe(true);
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
