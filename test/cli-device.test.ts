/**
 * `--device`: WebGPU (on SwiftShader) reproduces the fixture through the CLI, `auto` reports its
 * choice, and devices that cannot run fail with one line naming what is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { probeNodeDevice, selectNodeDevice } from '../src/cli/node-devices';
import { FIXTURE_DIR, fixturePrompts, loadF32, manifest, maxAbsDiff } from './fixture';
import { swiftShaderEnv } from './swiftshader';

const run = promisify(execFile);
const BIN = resolve(__dirname, '../bin/winclip.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'winclip-device-'));
const promptsFile = join(tmp, 'prompts.json');
writeFileSync(promptsFile, JSON.stringify(fixturePrompts));
const img = (f: string) => join(FIXTURE_DIR, f);
const byName = (n: string) => manifest.images.find((i) => i.name === n)!;
const refs = manifest.images.filter((i) => i.role === 'reference');

interface Out {
  images: { file: string; width: number; height: number; image_score: number; anomaly_map: number[] }[];
}

async function score(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const { stdout, stderr } = await run(
    'node',
    [BIN, 'score', '--model', FIXTURE_DIR, '--prompts', promptsFile, '--print-maps', ...args],
    { env, maxBuffer: 256 * 1024 * 1024 },
  );
  return { out: JSON.parse(stdout) as Out, stderr };
}

async function scoreFails(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const err = await run('node', [BIN, 'score', '--model', FIXTURE_DIR, ...args], { env }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  );
  expect(err).not.toBeNull();
  expect(err!.code).not.toBe(0);
  expect(err!.stderr.trim().split('\n')).toHaveLength(1);
  return err!.stderr.trim();
}

function expectFixture(out: Out, names: string[], tag: 'zs' | 'fs') {
  expect(out.images.map((o) => o.file)).toEqual(names.map((n) => img(byName(n).file)));
  out.images.forEach((o, i) => {
    const t = byName(names[i]);
    expect([o.width, o.height]).toEqual([t.width, t.height]);
    expect(Math.abs(o.image_score - loadF32(`${t.name}.final_${tag}_score`)[0])).toBeLessThan(1e-4);
    expect(maxAbsDiff(o.anomaly_map, loadF32(`${t.name}.final_${tag}_map`))).toBeLessThan(1e-4);
  });
}

const cudaLib = join(
  dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))),
  'bin/napi-v6',
  process.platform,
  process.arch,
  'libonnxruntime_providers_cuda.so',
);

const savedEnv = { ...process.env };
afterEach(() => {
  for (const k of ['VK_ICD_FILENAMES', 'LD_LIBRARY_PATH']) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe('--device', () => {
  it('webgpu on SwiftShader reproduces the fixture few-shot scores and maps, with nothing on stderr', async () => {
    // Without XDG_RUNTIME_DIR (a CI container), Wayland lookups by Vulkan layers print an error per
    // Vulkan instance unless the CLI gives the loader a runtime directory: spawn it that way.
    const env: NodeJS.ProcessEnv = { ...process.env, ...swiftShaderEnv() };
    delete env.XDG_RUNTIME_DIR;
    // SwiftShader is slow (seconds per image pass): one single-tile image, few-shot, whose fused map
    // holds the zero-shot map too, so every graph (text, image passes, association) runs on WebGPU.
    // Zero-shot and tiling are device-independent JS, covered on the CPU by cli-score.test.ts.
    const names = ['test_d'];
    const fs = await score(
      [
        '--device',
        'webgpu',
        ...refs.flatMap((r) => ['--ref', img(r.file)]),
        ...names.map((n) => img(byName(n).file)),
      ],
      env,
    );
    expectFixture(fs.out, names, 'fs');
    expect(fs.stderr).toBe('');
  }, 900_000);

  it('auto prints the device it chose on one stderr line, and its scores match the fixture', async () => {
    const { out, stderr } = await score(['--device', 'auto', img('test_a.png')]);
    expect(stderr).toMatch(/^winclip: device (cpu|webgpu|cuda) \(auto; [^\n]*\)\n$/);
    expectFixture(out, ['test_a'], 'zs');
  });

  // With the CUDA provider installed, auto would (rightly) take cuda first.
  it.skipIf(existsSync(cudaLib))(
    'auto takes WebGPU when an adapter exists and the CPU when none does',
    async () => {
      Object.assign(process.env, swiftShaderEnv());
      expect((await selectNodeDevice('auto')).device).toBe('webgpu');
      process.env.VK_ICD_FILENAMES = join(tmp, 'no-such-icd.json');
      expect(await selectNodeDevice('auto')).toEqual({
        device: 'cpu',
        reason:
          'auto; cuda: CUDA provider not installed, webgpu: no WebGPU adapter; --device <name> explains',
      });
    },
  );

  it.skipIf(existsSync(cudaLib))('cuda without the CUDA provider fails with one line', async () => {
    const line = await scoreFails(['--device', 'cuda', img('test_a.png')]);
    expect(line).toMatch(
      /^winclip: --device cuda: this onnxruntime-node install has no CUDA execution provider \(libonnxruntime_providers_cuda\.so is missing; install it with .*npm run setup:cuda/,
    );
  });

  it('webgpu without a Vulkan driver fails with one line saying what to set', async () => {
    const env = { ...process.env, ...swiftShaderEnv(), VK_ICD_FILENAMES: join(tmp, 'no-such-icd.json') };
    const line = await scoreFails(['--device', 'webgpu', img('test_a.png')], env);
    expect(line).toBe(
      "winclip: --device webgpu: onnxruntime-node found no WebGPU adapter (the Vulkan loader found no driver; on a machine without a GPU set VK_ICD_FILENAMES and LD_LIBRARY_PATH to Chromium's SwiftShader, see the README)",
    );
  });

  it('rejects an unknown device with one line', async () => {
    expect(await scoreFails(['--device', 'tpu', img('test_a.png')])).toBe(
      "winclip: score: --device must be one of cpu, webgpu, cuda, auto, got 'tpu' (see winclip score --help)",
    );
  });

  it('bounds a device probe that does not finish', async () => {
    const r = await probeNodeDevice('webgpu', 1);
    expect(r).toEqual({
      ok: false,
      why: 'the WebGPU execution provider did not start within 0.001 s',
      short: 'no start within 0.001 s',
    });
  });
});
