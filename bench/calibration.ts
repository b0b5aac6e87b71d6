/**
 * `npx tsx bench/calibration.ts <mvtec-layout dir> [model dir] [K]`: leave-one-out calibration on the
 * first K train/good images of each category, then every test image scored with all K as the bank,
 * checked against the suggested thresholds of several rules. Figures only; nothing here asserts.
 * E.g. `npx winclip synth --out /tmp/synth-calib && npx tsx bench/calibration.ts /tmp/synth-calib`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeEngine } from '../src/cli/node-engine';
import { summarize, type ThresholdRule, thresholdFromNormals, verdictOf } from '../src/core/calibration';
import { aurocOf, type LabelledScore, rocCurve, suggestFromLabels } from '../src/core/label-metrics';
import { buildPromptSet } from '../src/core/prompts';
import { leaveOneOut } from '../src/engine/calibration';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR } from '../test/fixture';

const [root, modelDir = FIXTURE_DIR, kArg = '4'] = process.argv.slice(2);
if (!root) throw new Error('usage: tsx bench/calibration.ts <mvtec-layout dir> [model dir] [K]');
const K = Number(kArg);
const RULES: ThresholdRule[] = [
  { kind: 'max-plus-std', k: 0 },
  { kind: 'max-plus-std', k: 1 },
  { kind: 'max-plus-std', k: 2 },
  { kind: 'max-plus-std', k: 3 },
];
const pngs = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
const f4 = (x: number) => x.toFixed(4);
const range = (v: number[]) => `${f4(Math.min(...v))}..${f4(Math.max(...v))}`;

const engine = await createNodeEngine(modelDir);
for (const category of readdirSync(root).sort()) {
  const dir = join(root, category);
  await engine.setPrompts(buildPromptSet({ objectName: category }));
  const refs = pngs(join(dir, 'train/good')).slice(0, K);
  for (const r of refs) await engine.encode(r, await decodeImageFile(r));
  const loo = await leaveOneOut(engine, refs);
  engine.clearReferences();
  for (const r of refs) engine.addReferenceEncoded(r);
  const tests: { file: string; label: 'OK' | 'NG'; fs: number; zs: number; maxPixel: number }[] = [];
  for (const kind of readdirSync(join(dir, 'test')).sort()) {
    for (const file of pngs(join(dir, 'test', kind))) {
      await engine.encode(file, await decodeImageFile(file));
      const fs = await engine.score(file);
      const zs = await engine.score(file, { zeroShotOnly: true });
      tests.push({
        file,
        label: kind === 'good' ? 'OK' : 'NG',
        fs: fs.imageScore,
        zs: zs.imageScore,
        maxPixel: Math.max(...fs.anomalyMap),
      });
      engine.forget(file);
    }
  }
  const good = tests.filter((t) => t.label === 'OK');
  const bad = tests.filter((t) => t.label === 'NG');
  const li = loo.map((r) => r.imageScore);
  const lp = loo.map((r) => r.maxPixel);
  console.log(`\n${category}: K = ${K}, ${good.length} good and ${bad.length} defective test images`);
  console.log(
    `  zero-shot image scores: good ${range(good.map((t) => t.zs))}, defective ${range(bad.map((t) => t.zs))}`,
  );
  const s = summarize(li);
  console.log(`  LOO image scores ${li.map(f4).join(' ')} (mean ${f4(s.mean)}, std ${s.std.toFixed(5)})`);
  console.log(`  LOO map maxima   ${lp.map(f4).join(' ')}`);
  console.log(
    `  few-shot image scores: good ${range(good.map((t) => t.fs))}, defective ${range(bad.map((t) => t.fs))}`,
  );
  console.log(
    `  few-shot map maxima:   good ${range(good.map((t) => t.maxPixel))}, defective ${range(bad.map((t) => t.maxPixel))}`,
  );
  for (const rule of RULES) {
    const ti = thresholdFromNormals(li, rule);
    const tp = thresholdFromNormals(lp, rule);
    const fr = good.filter((t) => verdictOf(t.fs, ti) === 'NG').length;
    const miss = bad.filter((t) => verdictOf(t.fs, ti) === 'OK').length;
    const frp = good.filter((t) => t.maxPixel >= tp).length;
    const missp = bad.filter((t) => t.maxPixel < tp).length;
    const name = rule.kind === 'max-plus-std' ? `max+${rule.k}std` : `frr ${rule.rate}`;
    console.log(
      `  ${name.padEnd(9)} image ${f4(ti)}: ${fr}/${good.length} false rejects, ${miss}/${bad.length} missed | pixel ${f4(tp)}: ${frp} good with a region, ${missp} defective without`,
    );
  }
  const labelled: LabelledScore[] = tests.map((t) => ({ score: t.fs, label: t.label }));
  const sug = suggestFromLabels(labelled, 0);
  console.log(
    `  labels: AUROC ${f4(aurocOf(rocCurve(labelled)))}; zero-miss ${f4(sug.zeroMiss!.threshold)} (FRR ${f4(sug.zeroMiss!.falseRejectRate)}), best F1 ${f4(sug.bestF1!.f1)} at ${f4(sug.bestF1!.threshold)}, zero false rejects from ${f4(sug.targetFalseReject!.threshold)}`,
  );
  for (const r of refs) engine.forget(r);
}
await engine.dispose();
