/**
 * Help text laid out for the terminal: paragraphs wrapped to its width, and two-column lists (flags,
 * commands) with the second column aligned and wrapped under itself.
 */

/** Columns to lay help out in: $COLUMNS, else the terminal's width, else 80 (a pipe or a file). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.isTTY && stream.columns ? stream.columns : 80;
}

/** Words of `text` in lines of at most `width` characters (a longer word keeps a line to itself). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Narrowest second column worth keeping beside the first; below it, the text goes under the name. */
const MIN_TEXT_COLUMN = 30;

/**
 * Rows of [name, text]: names padded to the longest plus two spaces, texts wrapped beside them; on a
 * terminal too narrow for that, each text goes on the lines below its name, indented.
 */
export function twoColumns(
  rows: readonly (readonly [string, string])[],
  width: number,
  indent = 2,
): string[] {
  const col = indent + Math.max(...rows.map(([name]) => name.length)) + 2;
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  if (width - col >= MIN_TEXT_COLUMN) {
    for (const [name, text] of rows) {
      const wrapped = wrapWords(text, width - col);
      lines.push(`${pad}${name}`.padEnd(col) + (wrapped[0] ?? ''));
      for (const more of wrapped.slice(1)) lines.push(' '.repeat(col) + more);
    }
    return lines;
  }
  const under = ' '.repeat(indent + 4);
  for (const [name, text] of rows) {
    lines.push(`${pad}${name}`);
    for (const l of wrapWords(text, Math.max(MIN_TEXT_COLUMN, width - under.length))) lines.push(under + l);
  }
  return lines;
}
