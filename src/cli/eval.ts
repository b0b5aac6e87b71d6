/**
 * `winclip eval`: reproduces the paper's benchmark tables on MVTec-AD or VisA (or a synthetic set in either
 * layout). Prints class-wise tables (Tables 10–21 layout) and the Table 1 / Table 4 summaries on stdout,
 * progress on stderr, and writes every score and metric to --out.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ABLATION_NAMES, isAblationName } from '../eval/ablations';
import { datasetReader } from '../eval/datasets';
import { defaultCacheDir, modelFingerprint, openFeatureCache, probeImage } from '../eval/feature-cache';
import { parseObjectNamesFile } from '../eval/object-names';
import { runEvaluation } from '../eval/runner';
import { parseRefsFile } from '../eval/sampling';
import { openCliEngine, parseDeviceFlag } from './device';
import { onlyFlags, positiveInt, reportEval, sharedEvalFlags } from './eval-args';
import { runMuscEval } from './eval-musc';
import { parseCommand } from './flags';
import { resolveModelArg } from './model-arg';
import { parseMethod, refuseLotFlags } from './musc-flags';
import { EVAL_SPEC } from './specs';
import { UsageError } from './usage-error';

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${flag} ${path}: cannot be read`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${flag} ${path}: not valid JSON`);
  }
}

export async function runEval(argv: string[]): Promise<number> {
  const { values } = parseCommand(EVAL_SPEC, argv);
  if (!values.data || !values.model || !values.dataset)
    throw new UsageError('eval', '--data, --dataset and --model are required');
  const dataset = values.dataset;
  if (dataset !== 'mvtec' && dataset !== 'visa')
    throw new UsageError('eval', `--dataset must be mvtec or visa, got '${dataset}'`);
  if (parseMethod(values.method, 'eval') === 'musc') return runMuscEval(values, dataset);
  refuseLotFlags(values, 'eval');
  const lotOnly = onlyFlags(values, ['protocol', 'divide']);
  if (lotOnly.length) throw new UsageError('eval', `${lotOnly[0]} needs --method musc`);
  const shots = (values.shots ?? '0,1,2,4').split(',').map((s) => positiveInt('--shots', s.trim(), 0));
  if (new Set(shots).size !== shots.length) throw new UsageError('eval', '--shots lists a shot count twice');
  const seeds = positiveInt('--seeds', values.seeds ?? '5');
  const device = parseDeviceFlag(values.device, 'eval');
  const ablationName = values.ablation ?? 'full';
  if (!isAblationName(ablationName))
    throw new UsageError(
      'eval',
      `unknown --ablation '${ablationName}' (one of ${ABLATION_NAMES.join(', ')})`,
    );
  const { pixelSize, exactPixelLimit, categories } = sharedEvalFlags(values);
  const objectNames = values['object-names']
    ? parseObjectNamesFile(
        await readJsonFile(values['object-names'], '--object-names'),
        values['object-names'],
      )
    : undefined;
  const refs = values.refs
    ? parseRefsFile(await readJsonFile(values.refs, '--refs'), values.refs)
    : undefined;

  const quiet = !!values.quiet;
  const notes = quiet ? { write: () => true } : process.stderr;
  const model = await resolveModelArg(values.model, 'eval');
  const engine = await openCliEngine(model, device, {}, notes);
  try {
    let cache = null;
    if (!values['no-cache']) {
      // The probe ties the cache to the encoder that produced it (see openFeatureCache).
      const probe = await engine.encode('eval-cache-probe', probeImage());
      engine.forget('eval-cache-probe');
      cache = await openFeatureCache(
        resolve(values.cache ?? defaultCacheDir()),
        await modelFingerprint(model.dir),
        probe,
      );
    }
    const out = await runEvaluation(engine, {
      reader: datasetReader(dataset, values.data),
      modelLabel: model.label,
      categories,
      shots,
      seeds,
      objectNames,
      refs,
      ablation: ablationName,
      pixelSize,
      cache,
      exactPixelLimit,
      progress: quiet ? undefined : process.stderr,
    });
    await reportEval(out, shots, values.out, notes);
  } finally {
    await engine.dispose();
  }
  return 0;
}
