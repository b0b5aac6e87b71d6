/**
 * Subcommand flags declared once: the same table drives node:util parseArgs (strict, so unknown flags
 * are refused) and the `--help` text, so every flag's help and default stay next to its definition.
 */
import { parseArgs } from 'node:util';
import { closestName } from './did-you-mean';
import { twoColumns, wrapWords } from './help-layout';
import { UsageError } from './usage-error';

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

/** Parses argv against the spec; every mistake is a UsageError naming the flag (and the likely intended one). */
export function parseCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: spec.flags, allowPositionals: spec.positionals !== undefined });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    // parseArgs names a flag with a short form as '-q, --quiet': take the long name.
    const flag = /'(?:-\w, )?(-[^ ']*)/.exec(e.message ?? '')?.[1] ?? '';
    const positional = /Unexpected argument '([^']*)'/.exec(e.message ?? '')?.[1];
    switch (e.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
        const known = Object.keys(spec.flags);
        const near = flag.startsWith('--') ? closestName(flag.slice(2), known) : undefined;
        throw new UsageError(spec.name, `unknown flag '${flag}'${near ? ` (did you mean --${near}?)` : ''}`);
      }
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const m = e.message ?? '';
        throw new UsageError(
          spec.name,
          /argument missing/.test(m)
            ? `${flag} needs a value`
            : /ambiguous/.test(m)
              ? `${flag} needs a value; one that starts with a dash is given as ${flag}=<value>`
              : `${flag} takes no value`,
        );
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(spec.name, `unexpected argument '${positional ?? ''}'`);
      default:
        throw err;
    }
  }
}

/** Multi-line help wrapped to `width`: usage, each flag with its placeholder, help and default, then examples. */
export function helpText(spec: CommandSpec, width = 80): string {
  const lines = [`usage: winclip ${spec.name} [flags]${spec.positionals ? ` ${spec.positionals}` : ''}`, ''];
  lines.push(...wrapWords(spec.summary, width), '', 'flags:');
  const rows = Object.entries(spec.flags).map(([name, f]) => {
    const head = `${f.short ? `-${f.short}, ` : ''}--${name}${f.arg ? ` ${f.arg}` : ''}`;
    const tail = `${f.help}${f.multiple ? ' (repeatable)' : ''}${f.shownDefault ? ` [default: ${f.shownDefault}]` : ''}`;
    return [head, tail] as const;
  });
  lines.push(...twoColumns(rows, width));
  if (spec.notes?.length) lines.push('', ...wrapWords(spec.notes.join(' '), width));
  // Examples stay one line each, so a copied command is never cut in two.
  lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
