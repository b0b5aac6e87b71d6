import { describe, expect, it } from 'vitest';
import { terminalWidth, twoColumns, wrapWords } from './help-layout';

describe('help layout', () => {
  it('takes $COLUMNS, else the terminal width, else 80', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(terminalWidth({ isTTY: false, columns: 132 }, {})).toBe(80);
    expect(terminalWidth({}, {})).toBe(80);
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '60' })).toBe(60);
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: 'wide' })).toBe(132);
  });

  it('wraps words to the width, a word longer than it on its own line', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('a\nb  c', 80)).toEqual(['a b c']);
    expect(wrapWords('tiny averyveryverylongword x', 8)).toEqual(['tiny', 'averyveryverylongword', 'x']);
  });

  it('aligns the second column after the longest name and wraps under it', () => {
    const rows = [
      ['score', 'anomaly score and map per image'],
      ['calibrate', 'leave-one-out scores of good references and suggested thresholds'],
    ] as const;
    expect(twoColumns(rows, 52)).toEqual([
      '  score      anomaly score and map per image',
      '  calibrate  leave-one-out scores of good references',
      '             and suggested thresholds',
    ]);
  });

  it('puts the text under the name when the terminal is too narrow for two columns', () => {
    const lines = twoColumns([['--device cpu|webgpu|cuda|auto', 'where the graphs run']], 40);
    expect(lines).toEqual(['  --device cpu|webgpu|cuda|auto', '      where the graphs run']);
  });
});
