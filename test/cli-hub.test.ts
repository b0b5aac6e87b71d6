import * as fs from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixturePrompts, manifest } from './fixture';
import { startTestHub, type TestHub } from './hub-server';
import { winclip as inProcess, type Ran, winclipProcess } from './run-cli';

const tmp = fs.mkdtempSync(join(tmpdir(), 'winclip-hub-'));
const promptsFile = join(tmp, 'prompts.json');
fs.writeFileSync(promptsFile, JSON.stringify(fixturePrompts));
const image = join(FIXTURE_DIR, manifest.images.find((i) => i.role === 'test')!.file);

const MAIN = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const fixture = (f: string) => join(FIXTURE_DIR, f);
// The model repo has no tokenizer.json (as most OpenCLIP repos): the shared CLIP one is used.
const modelFiles = {
  'open_clip_config.json': fixture('open_clip_config.json'),
  'open_clip_model.safetensors': fixture('open_clip_model.safetensors'),
};

/** The CLI's main in this process (test/run-cli.ts) with no HF_ variable but those of `env`. */
function winclip(args: string[], env: Record<string, string>): Promise<Ran> {
  const unset = Object.keys(process.env).filter((k) => k.startsWith('HF_'));
  return inProcess(args, { ...Object.fromEntries(unset.map((k) => [k, undefined])), ...env });
}

const score = (model: string, env: Record<string, string>) =>
  winclip(['score', '--model', model, '--prompts', promptsFile, '--print-maps', image], env);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({
    'acme/tiny': { commits: { [MAIN]: modelFiles, [OLD]: modelFiles }, refs: { main: MAIN } },
    'openai/clip-vit-base-patch32': {
      commits: { ['c'.repeat(40)]: { 'tokenizer.json': fixture('tokenizer.json') } },
      refs: { main: 'c'.repeat(40) },
    },
    'acme/gated': { commits: { [MAIN]: modelFiles }, refs: { main: MAIN }, token: 'hf_secret' },
  });
});
afterAll(() => hub.stop());

describe('winclip score --model owner/name', () => {
  const home = join(tmp, 'hf');
  const snapshot = join(home, 'hub/models--acme--tiny/snapshots', MAIN);

  it('downloads into the HF cache layout and scores exactly as the local folder', async () => {
    const local = await score(FIXTURE_DIR, {});
    expect(local.code).toBe(0);
    const fromHub = await score('acme/tiny', { HF_ENDPOINT: hub.url, HF_HOME: home });
    expect(fromHub.stderr).toBe('');
    expect(fromHub.code).toBe(0);
    // The same images, scores and maps; the provenance names the hub repo and the commit it resolved to.
    const hubDoc = JSON.parse(fromHub.stdout);
    expect(hubDoc.images).toEqual(JSON.parse(local.stdout).images);
    expect(hubDoc.model).toMatchObject({ name: 'acme/tiny', repo: 'acme/tiny', path: null, commit: MAIN });
    expect(hubDoc.model.weights_fingerprint).toBe(JSON.parse(local.stdout).model.weights_fingerprint);
    // huggingface_hub's layout: refs/main → commit, snapshot entries link to blobs named by ETag.
    expect(fs.readFileSync(join(home, 'hub/models--acme--tiny/refs/main'), 'utf8')).toBe(MAIN);
    const weights = join(snapshot, 'open_clip_model.safetensors');
    expect(fs.lstatSync(weights).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(weights)).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]{64}$/);
    expect(fs.existsSync(join(home, 'hub/models--acme--tiny/.no_exist', MAIN, 'tokenizer.json'))).toBe(true);
    expect(fs.existsSync(join(home, 'hub/models--openai--clip-vit-base-patch32/refs/main'))).toBe(true);
  });

  it('loads from the cache alone with HF_HUB_OFFLINE=1 and the hub stopped', async () => {
    const offlineHub = await startTestHub({});
    await offlineHub.stop();
    const local = await score(FIXTURE_DIR, {});
    const r = await score('acme/tiny', { HF_ENDPOINT: offlineHub.url, HF_HOME: home, HF_HUB_OFFLINE: '1' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).images).toEqual(JSON.parse(local.stdout).images);
    expect(JSON.parse(r.stdout).model.commit).toBe(MAIN);
    expect(offlineHub.requests).toEqual([]);
  });

  it('pins a commit with @revision', async () => {
    const before = hub.requests.length;
    const r = await score(`acme/tiny@${OLD}`, { HF_ENDPOINT: hub.url, HF_HOME: home });
    expect(r.code).toBe(0);
    const asked = hub.requests.slice(before).filter((q) => q.includes('acme/tiny'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => q.includes(`/${OLD}/`))).toBe(true);
    expect(fs.existsSync(join(home, 'hub/models--acme--tiny/snapshots', OLD, 'open_clip_config.json'))).toBe(
      true,
    );
    // The blobs are shared by content: the second commit downloaded no weights again.
    expect(asked.some((q) => q.startsWith('GET /lfs/'))).toBe(false);
  });

  it('reloads the commit a recipe names when --model gives the repo without @revision', async () => {
    const recipe = join(tmp, 'recipe.json');
    fs.writeFileSync(
      recipe,
      JSON.stringify({
        format: 'winclip-recipe',
        version: 1,
        model: {
          source: { kind: 'hub', repo: 'acme/tiny' },
          label: 'acme/tiny',
          weightsBytes: null,
          weightsFingerprint: null,
          commit: OLD,
        },
        prompts: {
          objectName: fixturePrompts.class_name,
          normalStates: ['flawless {}'],
          anomalousStates: ['damaged {}'],
          templates: ['a photo of a {}.'],
        },
      }),
    );
    const before = hub.requests.length;
    const home2 = join(tmp, 'recipe-home');
    const r = await winclip(['score', '--model', 'acme/tiny', '--recipe', recipe, image], {
      HF_ENDPOINT: hub.url,
      HF_HOME: home2,
    });
    expect(r.stderr).toBe('');
    const asked = hub.requests.slice(before).filter((q) => q.includes('acme/tiny'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => q.includes(`/${OLD}/`))).toBe(true);
    expect(fs.existsSync(join(home2, 'hub/models--acme--tiny/snapshots', OLD))).toBe(true);
    expect(fs.existsSync(join(home2, 'hub/models--acme--tiny/snapshots', MAIN))).toBe(false);
  });

  it.each([
    [
      'a missing repo',
      'acme/nothing',
      {},
      /^winclip: Not found \(404\): no repo acme\/nothing@main on http:\/\/127\.0\.0\.1:\d+\.\n$/,
    ],
    ['a missing file', 'openai/clip-vit-base-patch32', {}, /has no open_clip_config\.json/],
    ['a gated repo', 'acme/gated', {}, /Access denied \(401\).*set HF_TOKEN/],
    [
      'an offline cache miss',
      'acme/other',
      { HF_HUB_OFFLINE: '1' },
      /acme\/other@main: open_clip_config\.json is not in the cache .*models--acme--other/,
    ],
  ])('%s gives one clear line and exit 1', async (_what, model, env, message) => {
    const r = await score(model, { HF_ENDPOINT: hub.url, HF_HOME: join(tmp, 'errors'), ...env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('sends HF_TOKEN as a bearer token', async () => {
    const r = await score('acme/gated', {
      HF_ENDPOINT: hub.url,
      HF_HOME: join(tmp, 'gated'),
      HF_TOKEN: 'hf_secret',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('names the host and HF_ENDPOINT when the hub cannot be reached', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const r = await score('acme/tiny', { HF_ENDPOINT: endpoint, HF_HOME: join(tmp, 'unreachable') });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`Cannot reach the hub at 127.0.0.1:${port} (HF_ENDPOINT=${endpoint})`);
  });

  it('prefers a local folder that exists over a hub id of the same spelling', async () => {
    const cwd = join(tmp, 'cwd');
    fs.mkdirSync(join(cwd, 'acme/tiny'), { recursive: true });
    for (const f of ['open_clip_config.json', 'open_clip_model.safetensors', 'tokenizer.json'])
      fs.symlinkSync(fixture(f), join(cwd, 'acme/tiny', f));
    // An empty cache, offline: only the folder can answer.
    const env = { HF_ENDPOINT: 'http://127.0.0.1:9', HF_HOME: join(tmp, 'empty'), HF_HUB_OFFLINE: '1' };
    const args = ['score', '--model', 'acme/tiny', '--prompts', promptsFile, image];
    const r = await winclipProcess(args, { cwd, env: { ...process.env, ...env } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).images).toHaveLength(1);
    expect(fs.existsSync(join(tmp, 'empty'))).toBe(false);
  });
});
