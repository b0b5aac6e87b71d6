/**
 * The lot mode's figures for `npm run bench` (MuSc, ../shared/docs/METHOD-musc.md): for a lot of N
 * synthetic images, the time per image of the image pass (pre-processing included), of LNAMD, of the
 * nearest distances of all pairs (each unordered pair once, on the device) and of the scoring (MSM,
 * maps, RsCIN), and the bytes a lot keeps per image. Figures only; nothing here asserts a time.
 */
import { defaultMuscSettings } from '../../src/core/musc/settings';
import type { RgbImage } from '../../src/core/types';
import type { WinclipEngine } from '../../src/engine/engine';
import type { MuscDevice, MuscTokens } from '../../src/engine/musc-api';
import { MuscLot } from '../../src/engine/musc-lot';
import { planBlocks } from '../../src/engine/nearest-blocks';

/** A smooth pattern with a seeded blob and noise: images of one "category" that differ a little. */
function syntheticImage(side: number, seed: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  let x = seed * 2654435761;
  const cx = (seed * 37) % side;
  const cy = (seed * 91) % side;
  for (let y = 0; y < side; y++)
    for (let i = 0; i < side; i++) {
      const blob = (i - cx) ** 2 + (y - cy) ** 2 < (side / 12) ** 2 ? 80 : 0;
      for (let c = 0; c < 3; c++) {
        x = (x * 1103515245 + 12345) >>> 0;
        const v = 100 + 60 * Math.sin((i + c * 7) / 9) * Math.cos(y / 13) + blob + (x >>> 28);
        data[(y * side + i) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  return { width: side, height: side, data };
}

/** Wraps a device to add up the time (wall and, where known, CPU) spent in nearest distances. */
function timedDevice(device: MuscDevice): {
  device: MuscDevice;
  distanceMs: () => number;
  distanceCpuMs: () => number;
} {
  let ms = 0;
  let cpu = 0;
  return {
    device: {
      encodeTokens: (image, size, layers) => device.encodeTokens(image, size, layers),
      async nearestDistances(query, others, shape) {
        const t = performance.now();
        const c = cpuMs();
        const r = await device.nearestDistances(query, others, shape);
        ms += performance.now() - t;
        const c1 = cpuMs();
        if (c !== null && c1 !== null) cpu += c1 - c;
        return r;
      },
    },
    distanceMs: () => ms,
    distanceCpuMs: () => cpu,
  };
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * Milliseconds of CPU time this process has used (all threads), where the platform tells (Node); on a
 * shared machine it moves less with other processes' load than wall time does.
 */
function cpuMs(): number | null {
  const usage = (globalThis as { process?: { cpuUsage(): { user: number; system: number } } }).process;
  if (!usage) return null;
  const u = usage.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Times lots of each size in `lotSizes` on the engine's lot device and reports each figure through
 * `row` as soon as it is measured. Runs in Node (bench/run.ts) and in the browser harness's worker
 * (bench/browser.ts), so both print the same rows.
 */
export async function benchLot(
  engine: WinclipEngine,
  lotSizes: readonly number[],
  row: (stage: string, figure: string) => void,
): Promise<void> {
  const info = engine.info();
  const settings = defaultMuscSettings({
    blocks: info.visionLayers,
    imageSize: info.imageSize,
    patchSize: info.patchSize,
  });
  const S = settings.size;
  const device = engine.muscDevice();
  const f = settings.layers.length * settings.rList.length;
  const shape = { f, p: info.grid ** 2, c: info.visionWidth };
  row(
    `lot mode: S = ${S}, blocks [${settings.layers.join(', ')}], r [${settings.rList.join(', ')}] → F = ${f}, P = ${shape.p}, C = ${shape.c}`,
    `distance runs ≤ ${mib(device.blockBytes)}${Number.isFinite(device.imagesPerRun) ? `, ≤ ${device.imagesPerRun} image(s)` : ''}`,
  );
  const t0 = performance.now();
  await device.encodeTokens(syntheticImage(S, 0), S, [...settings.layers]);
  row(
    'lot: open the block-token session + first image pass',
    `${(performance.now() - t0).toFixed(0)} ms (once)`,
  );
  for (const n of lotSizes) {
    const plan = planBlocks(shape, n - 1, device.blockBytes, device.imagesPerRun);
    const per = (ms: number) => `${(ms / n).toFixed(1)} ms/image`;
    let t = performance.now();
    const tokens: { key: string; tokens: MuscTokens }[] = [];
    const cpu0 = cpuMs();
    for (let i = 0; i < n; i++)
      tokens.push({
        key: `img${i}`,
        tokens: await device.encodeTokens(syntheticImage(S, i + 1), S, [...settings.layers]),
      });
    const encodeMs = performance.now() - t;
    const cpuEncoded = cpuMs();
    const timed = timedDevice(device);
    const lot = new MuscLot(timed.device, settings);
    t = performance.now();
    await lot.addAllTokens(tokens);
    const addMs = performance.now() - t;
    const cpuAdded = cpuMs();
    t = performance.now();
    const scores = lot.scores();
    const scoreMs = performance.now() - t;
    if (!scores.ready) throw new Error(scores.message);
    const pairMs = timed.distanceMs();
    const pairs = lot.counters().pairsComputed;
    row(`lot N = ${n}: image pass (pre-processing + encoder)`, per(encodeMs));
    row(`lot N = ${n}: LNAMD`, per(addMs - pairMs));
    row(
      `lot N = ${n}: nearest distances, ${pairs} pairs (${plan.images} images × ${plan.sets} sets a run)`,
      `${per(pairMs)} (${(pairMs / pairs).toFixed(2)} ms/pair)`,
    );
    row(`lot N = ${n}: MSM, maps, RsCIN`, per(scoreMs));
    row(`lot N = ${n}: total`, per(encodeMs + addMs + scoreMs));
    const cpu1 = cpuMs();
    if (cpu0 !== null && cpu1 !== null)
      row(`lot N = ${n}: CPU time, all threads (less load-sensitive)`, per(cpu1 - cpu0));
    if (cpu0 !== null && cpuEncoded !== null && cpuAdded !== null && cpu1 !== null) {
      // The same CPU time by stage, so a change to one stage can be judged on a loaded machine.
      const dist = timed.distanceCpuMs();
      const stages = [cpuEncoded - cpu0, cpuAdded - cpuEncoded - dist, dist, cpu1 - cpuAdded];
      row(
        `lot N = ${n}: CPU time by stage: image pass / LNAMD / distances / scoring`,
        `${stages.map((ms) => (ms / n).toFixed(1)).join(' / ')} ms/image`,
      );
    }
    const featureBytes = n * (f * shape.p * shape.c + info.embedDim) * 4;
    row(`lot N = ${n}: kept features per image`, mib(featureBytes / n));
    row(`lot N = ${n}: kept pair distances per image (N − 1 others)`, mib((lot.bytes() - featureBytes) / n));
    row(`lot N = ${n}: lot memory in all (features + distances)`, mib(lot.bytes()));
  }
}
