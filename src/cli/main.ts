/** `winclip` command dispatcher. Each subcommand returns an exit code; errors print one line on stderr. */
import { errorText } from '../core/errors';
import { TEMPERATURE } from '../core/method-settings';

const USAGE = `usage:
  winclip score --model <dir> [--object <name>] [--prompts <file.json>] [--temperature <t, default ${TEMPERATURE}>] [--ref <image>]... [--out <file.json>] <image>...
      [--image-threshold <t>] [--pixel-threshold <t>]: add "verdict" (OK|NG) and "regions" [{box, area, area_percent, peak, state}]
      [--recipe <recipe.json>]: prompts, reference shots and thresholds from an app recipe (instead of --object/--prompts/--ref)
  winclip calibrate --model <dir> [--object <name>] [--prompts <file.json>] [--temperature <t>] [--margin <k> | --false-reject-rate <r>] [--out <file.json>] --ref <image> --ref <image>...
      leave-one-out scores of the references and suggested thresholds (default: max + 1·std); --recipe <recipe.json> instead of --object/--prompts/--ref
  winclip eval --data <dir> --dataset mvtec|visa --model <dir> [--categories a,b] [--shots 0,1,2,4] [--seeds 5] [--object-names <file.json>] [--refs <file.json>] [--ablation <name>] [--pixel-size N] [--out <file.json>] [--cache <dir> | --no-cache] [--exact-pixels N]
      ablations: full, one-class, two-class, state-ensemble (Table 3); no-image-scale, no-mid-scale, no-small-scale, no-harmonic (Table 8)
  winclip synth --out <dir> [--categories a,b] [--train N] [--test-good N] [--test-bad N] [--size N] [--seed S] [--layout mvtec|visa]`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    switch (cmd) {
      case 'score':
        return await (await import('./score')).runScore(rest);
      case 'calibrate':
        return await (await import('./calibrate')).runCalibrate(rest);
      case 'eval':
        return await (await import('./eval')).runEval(rest);
      case 'synth':
        return await (await import('./synth')).runSynth(rest);
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        process.stderr.write(`winclip: unknown command '${cmd}'\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`winclip: ${errorText(err)}\n`);
    return 1;
  }
}
