/** `winclip` command dispatcher. Each subcommand returns an exit code; errors print one line on stderr. */
import { errorText } from '../core/errors';
import { helpText, wantsHelp } from './flags';
import { COMMAND_SPECS } from './specs';

const USAGE = `usage: winclip <command> [flags]   (winclip <command> --help for its flags and examples)
commands:
${COMMAND_SPECS.map((s) => `  ${s.name.padEnd(8)}${s.brief}`).join('\n')}`;

const RUN: Record<string, (argv: string[]) => Promise<number>> = {
  score: async (argv) => (await import('./score')).runScore(argv),
  calibrate: async (argv) => (await import('./calibrate')).runCalibrate(argv),
  eval: async (argv) => (await import('./eval')).runEval(argv),
  synth: async (argv) => (await import('./synth')).runSynth(argv),
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return cmd === undefined ? 2 : 0;
  }
  const spec = COMMAND_SPECS.find((s) => s.name === cmd);
  const run = RUN[cmd];
  if (!spec || !run) {
    process.stderr.write(`winclip: unknown command '${cmd}' (one of ${Object.keys(RUN).join(', ')})\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  try {
    return await run(rest);
  } catch (err) {
    // One line: a multi-line message (e.g. from a native library) keeps its first line.
    process.stderr.write(`winclip: ${errorText(err).split('\n')[0]}\n`);
    return 1;
  }
}
