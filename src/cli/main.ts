/**
 * `winclip` command dispatcher. Each subcommand returns an exit code; errors print one line on stderr.
 * Exit statuses (exit-codes.ts): 0 ok, 1 failure, 2 usage error (argparse's convention), 3 NG found.
 */
import { errorText } from '../core/errors';
import { closestName } from './did-you-mean';
import { EXIT, EXIT_STATUS_ROWS } from './exit-codes';
import { helpText, wantsHelp } from './flags';
import { terminalWidth, twoColumns } from './help-layout';
import { COMMAND_SPECS } from './specs';
import { UsageError } from './usage-error';
import { packageVersion } from './version';

function usage(width: number): string {
  return [
    'usage: winclip <command> [flags]   (winclip <command> --help for its flags and examples)',
    '       winclip --version',
    '',
    'commands:',
    ...twoColumns(
      COMMAND_SPECS.map((s) => [s.name, s.brief] as const),
      width,
    ),
    '',
    'exit status:',
    ...twoColumns(EXIT_STATUS_ROWS, width),
    '',
  ].join('\n');
}

const RUN: Record<string, (argv: string[]) => Promise<number>> = {
  score: async (argv) => (await import('./score')).runScore(argv),
  calibrate: async (argv) => (await import('./calibrate')).runCalibrate(argv),
  eval: async (argv) => (await import('./eval')).runEval(argv),
  synth: async (argv) => (await import('./synth')).runSynth(argv),
};

function usageError(message: string): number {
  process.stderr.write(`winclip: ${message} (see winclip --help)\n`);
  return EXIT.usage;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    // Nothing asked: the usage goes to stderr, as for any other usage error, and stdout stays empty.
    process.stderr.write(usage(terminalWidth(process.stderr)));
    return EXIT.usage;
  }
  if (cmd === '-h' || cmd === '--help') {
    process.stdout.write(usage(terminalWidth(process.stdout)));
    return EXIT.ok;
  }
  if (cmd === '-V' || cmd === '--version') {
    process.stdout.write(`winclip ${packageVersion()}\n`);
    return EXIT.ok;
  }
  const spec = COMMAND_SPECS.find((s) => s.name === cmd);
  const run = RUN[cmd];
  if (!spec || !run) {
    if (cmd.startsWith('-')) {
      const near = closestName(cmd.replace(/^-+/, ''), ['help', 'version']);
      return usageError(
        `unknown flag '${cmd}' ${near ? `(did you mean --${near}?)` : "(a command's flags go after it)"}`,
      );
    }
    const near = closestName(cmd, Object.keys(RUN));
    return usageError(
      `unknown command '${cmd}'${near ? ` (did you mean ${near}?)` : ` (one of ${Object.keys(RUN).join(', ')})`}`,
    );
  }
  if (wantsHelp(rest)) {
    process.stdout.write(helpText(spec, terminalWidth(process.stdout)));
    return EXIT.ok;
  }
  try {
    return await run(rest);
  } catch (err) {
    // One line: a multi-line message (e.g. from a native library) keeps its first line.
    process.stderr.write(`winclip: ${errorText(err).split('\n')[0]}\n`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
