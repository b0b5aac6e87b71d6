/**
 * Subcommand flags declared once: the same table drives node:util parseArgs (strict, so unknown flags
 * are refused) and the `--help` text, so every flag's help and default stay next to its definition.
 */
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in help, e.g. '<dir>'. */
  arg?: string;
  help: string;
  /** Default as shown in help (the command applies it; parseArgs leaves the flag undefined). */
  shownDefault?: string;
}

export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  name: string;
  /** One line for the command list. */
  brief: string;
  summary: string;
  /** What positional arguments mean, e.g. '<image|folder|glob>...'; omitted when there are none. */
  positionals?: string;
  flags: F;
  examples: string[];
  notes?: string[];
}

/** `--help`/`-h` anywhere before a bare `--` asks for help. */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** Parses argv against the spec; every mistake is one line naming the flag and pointing at --help. */
export function parseCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, argv: string[]) {
  const see = `(see winclip ${spec.name} --help)`;
  try {
    return parseArgs({ args: argv, options: spec.flags, allowPositionals: spec.positionals !== undefined });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const flag = /'(-[^ ']*)/.exec(e.message ?? '')?.[1] ?? '';
    const positional = /Unexpected argument '([^']*)'/.exec(e.message ?? '')?.[1];
    switch (e.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new Error(`${spec.name}: unknown flag '${flag}' ${see}`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new Error(
          /argument missing/.test(e.message ?? '')
            ? `${spec.name}: ${flag} needs a value ${see}`
            : `${spec.name}: ${flag} takes no value ${see}`,
        );
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new Error(`${spec.name}: unexpected argument '${positional ?? ''}' ${see}`);
      default:
        throw err;
    }
  }
}

/** Multi-line help: usage, each flag with its placeholder, help and default, then examples. */
export function helpText(spec: CommandSpec): string {
  const lines = [`usage: winclip ${spec.name} [flags]${spec.positionals ? ` ${spec.positionals}` : ''}`, ''];
  lines.push(spec.summary, '', 'flags:');
  const entries = Object.entries(spec.flags).map(([name, f]) => {
    const head = `  ${f.short ? `-${f.short}, ` : ''}--${name}${f.arg ? ` ${f.arg}` : ''}`;
    const tail = `${f.help}${f.multiple ? ' (repeatable)' : ''}${f.shownDefault ? ` [default: ${f.shownDefault}]` : ''}`;
    return [head, tail] as const;
  });
  const width = Math.max(...entries.map(([h]) => h.length)) + 2;
  for (const [head, tail] of entries) lines.push(head.padEnd(width) + tail);
  if (spec.notes?.length) lines.push('', ...spec.notes);
  lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
