import { describe, expect, it } from 'vitest';
import { describeSetup, isWholeImage, parseInspectionSetup } from './inspection-setup-format';

describe('stored inspection setup', () => {
  it('reads an ROI and rect and polygon areas', () => {
    const setup = {
      roi: { x: 10, y: 20, width: 300, height: 200 },
      ignore: [
        { kind: 'rect', box: { x: 12, y: 22, width: 5, height: 6 } },
        {
          kind: 'polygon',
          points: [
            [40, 40],
            [60.5, 40],
            [50, 70],
          ],
        },
      ],
    };
    expect(parseInspectionSetup(JSON.parse(JSON.stringify(setup)), '')).toEqual({ ok: true, setup });
    expect(parseInspectionSetup({}, '')).toEqual({ ok: true, setup: { ignore: [] } });
  });

  it('names the bad field', () => {
    const bad = (o: Record<string, unknown>) => {
      const r = parseInspectionSetup(o, 'saved: ');
      return r.ok ? null : r.message;
    };
    expect(bad({ roi: { x: 1, y: 2, width: 0, height: 5 } })).toBe(
      'saved: roi: the box 1,2,0,5 has no area (width and height must be > 0)',
    );
    expect(bad({ roi: { x: 1.5, y: 2, width: 3, height: 5 } })).toContain('must be whole pixels');
    expect(bad({ ignore: [{ kind: 'circle' }] })).toBe(
      'saved: ignore[0].kind must be "rect" or "polygon", got "circle"',
    );
    expect(
      bad({
        ignore: [
          {
            kind: 'polygon',
            points: [
              [1, 1],
              [2, 2],
            ],
          },
        ],
      }),
    ).toBe('saved: ignore[0].points has 2 points; a polygon needs 3');
    expect(bad({ ignore: { kind: 'rect' } })).toBe('saved: ignore must be a list');
  });

  it('describes a setup in one line', () => {
    const parsed = parseInspectionSetup(
      {
        roi: { x: 1, y: 2, width: 30, height: 40 },
        ignore: [{ kind: 'rect', box: { x: 1, y: 2, width: 3, height: 4 } }],
      },
      'stored.',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(describeSetup(parsed.setup)).toBe("ROI 1,2 30×40 · 1 don't-care area");
    expect(isWholeImage(parsed.setup)).toBe(false);
    expect(isWholeImage({ ignore: [] })).toBe(true);
    expect(describeSetup({ ignore: [] })).toBe('the whole image');
  });
});
