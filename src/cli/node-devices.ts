/**
 * Which onnxruntime-node execution provider runs the graphs: cpu, webgpu (Dawn, bundled) or cuda
 * (a separate download), and the probe that says whether one actually starts on this machine.
 *
 * A device "works" when a session of a one-node graph opens on it and computes the right answer.
 * onnxruntime-node opens sessions synchronously and Dawn can hang while it looks for an adapter,
 * so the probe runs in a child process that is killed after a time limit; its stderr (ORT and
 * Dawn log lines) is kept out of the user's terminal and only used to explain a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { DeviceChoice, NodeDevice } from '../engine/devices';
import type { OrtRuntime } from '../engine/runtime';
import { createNodeRuntime } from '../engine/runtime-node';
import { GraphBuilder } from '../model/onnx/graph-builder';
import { DType } from '../model/onnx/onnx-model';
import { ensureRuntimeDir } from './gpu-loader-env';

/** The order `auto` tries devices in: fastest first, the CPU always works. */
const AUTO_ORDER: readonly NodeDevice[] = ['cuda', 'webgpu', 'cpu'];

/** On failure: `why` is the full explanation with what to do; `short` a few words for `auto`'s report. */
export type ProbeResult = { ok: true } | { ok: false; why: string; short: string };

export interface DeviceSelection {
  device: NodeDevice;
  /** Why this device runs, in one line (for `auto`: what the devices tried before it lacked). */
  reason: string;
}

/** Long enough for a first CUDA context or a software Vulkan adapter; a hung Dawn init is cut off. */
const PROBE_TIMEOUT_MS = 30_000;

const require = createRequire(import.meta.url);

function ortPackageDir(): string {
  return dirname(dirname(require.resolve('onnxruntime-node')));
}

/** Folder holding the native binding; CUDA provider libraries must sit beside it. */
function ortBinDir(): string {
  return join(ortPackageDir(), 'bin', 'napi-v6', process.platform, process.arch);
}

const CUDA_INSTALL_HINT = 'install it with `npm run setup:cuda`; it needs CUDA 12 and cuDNN 9';

/** Checks that need no session: is the CUDA provider compiled in, and is its library present? */
function cudaInstalled(): ProbeResult {
  const ort = require('onnxruntime-node') as { listSupportedBackends(): { name: string }[] };
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda'))
    return {
      ok: false,
      why: `this onnxruntime-node build has no CUDA execution provider (none is published for ${process.platform}/${process.arch})`,
      short: 'not in this onnxruntime-node build',
    };
  const lib =
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!existsSync(join(ortBinDir(), lib)))
    return {
      ok: false,
      why: `this onnxruntime-node install has no CUDA execution provider (${lib} is missing; ${CUDA_INSTALL_HINT})`,
      short: 'CUDA provider not installed',
    };
  return { ok: true };
}

/** y = x + 1 on [1, 4]: one node, no weights. */
function probeGraph(): Uint8Array {
  const g = new GraphBuilder('device-probe', null);
  const x = g.input('x', DType.FLOAT, [1, 4]);
  g.output(g.op('Add', [x, g.constFloat([1], [])]), 'y', DType.FLOAT, [1, 4]);
  return g.serialize();
}

// Runs in the child: reads the model from stdin, prints one JSON line on stdout.
const CHILD = `
const ort = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  let res;
  try {
    const s = await ort.InferenceSession.create(new Uint8Array(Buffer.concat(chunks)), { executionProviders: [process.argv[2]] });
    const out = await s.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
    res = { ok: true, y: Array.from(await out.y.getData()) };
  } catch (e) {
    res = { ok: false, why: String(e && e.message ? e.message : e) };
  }
  // Exit explicitly: a GPU provider's threads could keep the process alive.
  process.stdout.write(JSON.stringify(res) + '\\n', () => process.exit(0));
});`;

interface ChildOutcome {
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChild(device: NodeDevice, timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      ['-e', CHILD, require.resolve('onnxruntime-node'), device],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const timedOut = !!err && (err as { killed?: boolean }).killed === true;
        resolvePromise({ stdout, stderr, timedOut });
      },
    );
    child.stdin?.end(Buffer.from(probeGraph()));
  });
}

const firstLine = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

/** Turns a failed WebGPU probe into something a user can act on, using Dawn's log lines. */
function explainWebGpu(why: string, stderr: string): ProbeResult & { ok: false } {
  if (/No supported adapters|Failed to get a WebGPU adapter/i.test(why)) {
    let cause = 'no usable Vulkan driver';
    if (/libvulkan\.so\.1: cannot open/.test(stderr))
      cause = 'the Vulkan loader libvulkan.so.1 is not on the library path';
    else if (/Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(stderr))
      cause = 'the Vulkan loader found no driver';
    return {
      ok: false,
      why: `onnxruntime-node found no WebGPU adapter (${cause}; on a machine without a GPU set VK_ICD_FILENAMES and LD_LIBRARY_PATH to Chromium's SwiftShader, see the README)`,
      short: 'no WebGPU adapter',
    };
  }
  return {
    ok: false,
    why: `the WebGPU execution provider failed to start (${firstLine(why)})`,
    short: 'failed to start',
  };
}

/** Whether `device` opens a session and computes correctly here. Never throws; bounded by `timeoutMs`. */
export async function probeNodeDevice(
  device: NodeDevice,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  if (device === 'cpu') return { ok: true };
  if (device === 'cuda') {
    const installed = cudaInstalled();
    if (!installed.ok) return installed;
  }
  const out = await runChild(device, timeoutMs);
  const name = device === 'cuda' ? 'CUDA' : 'WebGPU';
  if (out.timedOut)
    return {
      ok: false,
      why: `the ${name} execution provider did not start within ${timeoutMs / 1000} s`,
      short: `no start within ${timeoutMs / 1000} s`,
    };
  let res: { ok: boolean; y?: number[]; why?: string };
  try {
    res = JSON.parse(firstLine(out.stdout));
  } catch {
    return {
      ok: false,
      why: `the ${name} probe process crashed (${firstLine(out.stderr) || 'no message'})`,
      short: 'probe crashed',
    };
  }
  if (!res.ok) {
    const why = res.why ?? '';
    if (device === 'webgpu') return explainWebGpu(why, out.stderr);
    return {
      ok: false,
      why: `the CUDA execution provider failed to start (${firstLine(why)})`,
      short: 'failed to start',
    };
  }
  const want = [2, 3, 4, 5];
  if (!res.y || res.y.some((v, i) => Math.abs(v - want[i]) > 1e-6))
    return {
      ok: false,
      why: `the ${name} execution provider computed a wrong result in a self-test`,
      short: 'wrong self-test result',
    };
  return { ok: true };
}

/**
 * Resolves a device choice to the device that will run. An explicit device that does not work
 * throws one line naming what is missing; `auto` takes the first of AUTO_ORDER that works.
 */
export async function selectNodeDevice(
  choice: DeviceChoice,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<DeviceSelection> {
  if (choice !== 'auto') {
    const probe = await probeNodeDevice(choice, timeoutMs);
    if (!probe.ok) throw new Error(`--device ${choice}: ${probe.why}`);
    return { device: choice, reason: `--device ${choice} was requested` };
  }
  const skipped: string[] = [];
  for (const device of AUTO_ORDER) {
    const probe = await probeNodeDevice(device, timeoutMs);
    if (probe.ok)
      return {
        device,
        reason: skipped.length
          ? `auto; ${skipped.join(', ')}; --device <name> explains`
          : 'auto; first device that works',
      };
    skipped.push(`${device}: ${probe.short}`);
  }
  // Unreachable: the CPU probe always succeeds.
  throw new Error('--device auto: no device works');
}

export interface NodeRuntimeChoice {
  /** 'cpu', 'webgpu', 'cuda' or 'auto' (first that works of cuda, webgpu, cpu). Default 'cpu'. */
  device?: DeviceChoice;
  threads?: number;
  /** Bound on each device probe, so a hung GPU driver cannot hang the caller. */
  probeTimeoutMs?: number;
  /** Told which device was chosen and why (the CLI prints it for `auto`). */
  onSelect?: (selection: DeviceSelection) => void;
}

export type SelectedNodeRuntime = OrtRuntime & DeviceSelection;

/**
 * Resolves the device (probing GPUs in a child process, see node-devices.ts) and opens the runtime
 * on it. Throws one line naming what is missing when an explicitly requested device does not work.
 */
export async function openNodeRuntime(choice: NodeRuntimeChoice = {}): Promise<SelectedNodeRuntime> {
  const device = choice.device ?? 'cpu';
  // Before the probes (children inherit it) and the provider: no Wayland noise on stderr.
  if (device !== 'cpu') ensureRuntimeDir();
  const sel = await selectNodeDevice(device, choice.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  choice.onSelect?.(sel);
  // Every core unless told otherwise, counted here: onnxruntime's own default (0) ran one intra-op
  // thread on a 2-vCPU VM (lot bench, N = 50: 568 ms/image, against 367 ms with 2 threads named).
  const threads = choice.threads || availableParallelism();
  return { ...createNodeRuntime({ device: sel.device, threads }), ...sel };
}
