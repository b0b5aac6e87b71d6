/** `winclip` command dispatcher. Each subcommand returns an exit code; errors print one line on stderr. */
const USAGE = `usage:
  winclip score --model <dir> [--object <name>] [--prompts <file.json>] [--temperature <t>] [--ref <image>]... [--out <file.json>] [--device cpu|webgpu|cuda|auto] <image>...
  winclip eval --data <dir> --dataset mvtec|visa --model <dir> [--categories a,b] [--shots 0,1,2,4] [--seeds 5] [--object-names <file.json>] [--refs <file.json>] [--ablation <name>] [--pixel-size N] [--out <file.json>] [--cache <dir> | --no-cache] [--exact-pixels N] [--device cpu|webgpu|cuda|auto]
      ablations: full, one-class, two-class, state-ensemble (Table 3); no-image-scale, no-mid-scale, no-small-scale, no-harmonic (Table 8)
      --device: cpu (default), webgpu, cuda, or auto (first that starts of cuda, webgpu, cpu; printed on stderr)
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
    process.stderr.write(`winclip: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
