import { describe, expect, it } from 'vitest';
import { describeSetup, isWholeImage, parseInspectionSetup } from './inspection-setup-format';
import { parseRecipe, type Recipe, serializeRecipe } from './recipe';

function recipe(): Recipe {
  return {
    format: 'winclip-recipe',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: {
      source: { kind: 'hub', repo: 'org/clip' },
      label: 'org/clip',
      weightsBytes: 1234,
      weightsFingerprint: 'sampled-sha256-v1:ab',
      commit: null,
    },
    prompts: {
      objectName: 'bottle',
      normalStates: ['flawless {}'],
      anomalousStates: ['damaged {}'],
      templates: ['a photo of a {}.'],
    },
    thresholds: {},
    calibration: null,
    references: [],
  };
}

const withRegion = (region: object) => JSON.stringify({ ...recipe(), ...region });

describe('recipe inspection region', () => {
  it('round-trips an ROI and rect and polygon areas', () => {
    const r: Recipe = {
      ...recipe(),
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
    expect(parseRecipe(serializeRecipe(r))).toEqual(r);
  });

  it('reads a recipe without a region as the whole image (no fields added)', () => {
    const parsed = parseRecipe(serializeRecipe(recipe()));
    expect('roi' in parsed).toBe(false);
    expect('ignore' in parsed).toBe(false);
  });

  it('names the bad field', () => {
    expect(() => parseRecipe(withRegion({ roi: { x: 1, y: 2, width: 0, height: 5 } }))).toThrow(
      'recipe: roi: the box 1,2,0,5 has no area (width and height must be > 0)',
    );
    expect(() => parseRecipe(withRegion({ roi: { x: 1.5, y: 2, width: 3, height: 5 } }))).toThrow(
      'must be whole pixels',
    );
    expect(() => parseRecipe(withRegion({ ignore: [{ kind: 'circle' }] }))).toThrow(
      'recipe: ignore[0].kind must be "rect" or "polygon", got "circle"',
    );
    expect(() =>
      parseRecipe(
        withRegion({
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
      ),
    ).toThrow('recipe: ignore[0].points has 2 points; a polygon needs 3');
    expect(() => parseRecipe(withRegion({ ignore: { kind: 'rect' } }))).toThrow(
      'recipe: ignore must be a list',
    );
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
