/**
 * Child-process half of the lot mode's WebGPU parity check (test/musc-device-webgpu.test.ts): runs the
 * device on `--device` for one image and one query of the tiny model and prints the largest
 * differences to the MuSc reference as JSON. A child process, because Dawn reads the SwiftShader
 * environment (VK_ICD_FILENAMES, LD_LIBRARY_PATH) only at process start.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeEngine } from '../src/cli/node-engine';
import { isDeviceChoice } from '../src/engine/devices';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, maxAbsDiff } from './fixture';
import { imageSlice, MUSC_BATCH, MUSC_LAYERS, muscArray } from './musc-fixture';

const { values } = parseArgs({ options: { device: { type: 'string', default: 'cpu' } } });
if (!isDeviceChoice(values.device)) throw new Error(`unknown device ${values.device}`);
const engine = await createNodeEngine(FIXTURE_DIR, { device: values.device }, {}, { lotMode: true });
const device = engine.muscDevice();

// Image 2 (test_a) at S = 240: patch tokens of both blocks and the class token.
const i = 2;
const t = await device.encodeTokens(
  await decodeImageFile(join(FIXTURE_DIR, `${MUSC_BATCH[i]}.png`)),
  240,
  MUSC_LAYERS,
);
const tokens = Math.max(
  ...MUSC_LAYERS.map((l, k) =>
    maxAbsDiff(
      t.patchTokens[k],
      imageSlice(muscArray('reference', `patch_tokens.block${l + 1}`), i).subarray(64),
    ),
  ),
);
const classToken = maxAbsDiff(t.classToken, imageSlice(muscArray('reference', 'class_tokens'), i));

// Image i against the five others, two feature sets (r = 1, both blocks).
const sets = ['r1.block1', 'r1.block2'];
const feats = (j: number) => {
  const x = new Float32Array(sets.length * 225 * 64);
  for (const [f, s] of sets.entries())
    x.set(imageSlice(muscArray('reference', `lnamd.${s}`), j), f * 225 * 64);
  return x;
};
const others = [0, 1, 3, 4, 5];
const d = await device.nearestDistances(feats(i), others.map(feats), { f: sets.length, p: 225, c: 64 });
let distance = 0;
sets.forEach((s, f) => {
  const nn = muscArray('reference', `nn_dist.${s}`).data;
  others.forEach((j, jj) => {
    for (let p = 0; p < 225; p++) {
      // nn_dist[i, p, jj] counts i's others in batch order; j's list of others holds i at i − (i > j).
      const want = nn[(i * 225 + p) * 5 + jj];
      const back = nn[(j * 225 + p) * 5 + (i > j ? i - 1 : i)];
      distance = Math.max(
        distance,
        Math.abs(d.queryToOther[jj][f * 225 + p] - want),
        Math.abs(d.otherToQuery[jj][f * 225 + p] - back),
      );
    }
  });
});
console.log(JSON.stringify({ backend: engine.info().backend, tokens, classToken, distance }));
await engine.dispose();
