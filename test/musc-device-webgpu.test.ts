/** The lot mode's device on onnxruntime-node's WebGPU provider (SwiftShader): the same parity as on the CPU. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { swiftShaderEnv } from './swiftshader';

const run = promisify(execFile);

it('tokens, class token and nearest distances match the reference on WebGPU', async () => {
  const script = resolve(__dirname, 'musc-device-run.ts');
  const tsx = resolve(__dirname, '../node_modules/.bin/tsx');
  const { stdout } = await run(tsx, [script, '--device', 'webgpu'], {
    env: { ...process.env, ...swiftShaderEnv() },
  });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
  expect(r.backend).toBe('webgpu');
  expect(r.tokens).toBeLessThan(1e-4);
  expect(r.classToken).toBeLessThan(1e-5);
  expect(r.distance).toBeLessThan(1e-5);
}, 300_000);
