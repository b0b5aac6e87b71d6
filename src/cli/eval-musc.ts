/**
 * `winclip eval --method musc`: the lot mode (MuSc) on an MVTec-AD or VisA layout, one lot per category
 * (or --divide n lots), metrics by --protocol, printed as the WinCLIP tables are.
 */
import { RSCIN_K_VISA } from '../core/musc/settings';
import { datasetReader } from '../eval/datasets';
import type { DatasetKind } from '../eval/datasets/types';
import { runMuscEvaluation } from '../eval/musc-runner';
import { decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { type EvalValues, onlyFlags, positiveInt, reportEval, sharedEvalFlags } from './eval-args';
import { resolveModelArg } from './model-arg';
import { cliMuscSettings, muscOverrides } from './musc-flags';
import { UsageError } from './usage-error';

const WINCLIP_ONLY = ['shots', 'seeds', 'refs', 'ablation', 'object-names', 'cache'];

export async function runMuscEval(values: EvalValues, dataset: DatasetKind): Promise<number> {
  const refused = onlyFlags(values, WINCLIP_ONLY);
  if (refused.length) throw new UsageError('eval', `${refused.join(', ')}: not used by --method musc`);
  const protocol = values.protocol ?? 'default';
  if (protocol !== 'default' && protocol !== 'musc')
    throw new UsageError('eval', `--protocol must be default or musc, got '${protocol}'`);
  const divide = positiveInt('--divide', values.divide ?? '1');
  const device = parseDeviceFlag(values.device, 'eval');
  const { pixelSize, exactPixelLimit, categories } = sharedEvalFlags(values);
  if (pixelSize !== undefined && protocol === 'musc')
    throw new UsageError('eval', '--pixel-size: the musc protocol scores pixels at S×S (set S with --size)');

  const quiet = !!values.quiet;
  const notes = quiet ? { write: () => true } : process.stderr;
  const model = await resolveModelArg(values.model!, 'eval');
  const engine = await openCliEngine(model, device, {}, notes, { lotMode: true });
  try {
    const info = engine.info();
    // The official code uses k = [1, 8, 9] for VisA (musc.py:242-248); --rscin-k overrides it.
    const overrides = muscOverrides(values, 'eval');
    if (dataset === 'visa') overrides.rscinK ??= [...RSCIN_K_VISA];
    const lot = cliMuscSettings(
      { blocks: info.visionLayers, imageSize: info.imageSize, patchSize: info.patchSize },
      overrides,
      'eval',
    );
    const out = await runMuscEvaluation(engine.muscDevice(), {
      reader: datasetReader(dataset, values.data!),
      modelLabel: model.label,
      categories,
      lot,
      divide,
      protocol,
      pixelSize,
      exactPixelLimit,
      decode: decodeImageFile,
      progress: quiet ? undefined : process.stderr,
    });
    await reportEval(out, [0], values.out, notes);
  } finally {
    await engine.dispose();
  }
  return 0;
}
