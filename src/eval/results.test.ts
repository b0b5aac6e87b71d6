import { describe, expect, it } from 'vitest';
import { aggregateRuns, type EvalOutput, mean, meanOverCategories, type RunRecord, std } from './results';
import { classwiseTable, formatCell, formatReport, layout } from './tables';

function run(seed: number, auroc: number, pro: number | null): RunRecord {
  return {
    seed,
    refs: [],
    scores: [],
    image: { auroc, aupr: auroc, f1_max: auroc },
    pixel: pro === null ? null : { auroc: pro, pro, f1_max: pro },
  };
}

describe('aggregation', () => {
  it('uses the population standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(std([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(std([5])).toBe(0);
  });

  it('aggregates runs and summarises categories as mean of means ± mean of stds', () => {
    const a = aggregateRuns([run(0, 0.9, 0.5), run(1, 0.7, 0.7)]);
    expect(a.mean.image.auroc).toBeCloseTo(0.8, 12);
    expect(a.std.image.auroc).toBeCloseTo(0.1, 12);
    expect(a.mean.pixel?.pro).toBeCloseTo(0.6, 12);
    const b = aggregateRuns([run(0, 0.5, 0.4), run(1, 0.5, 0.4)]);
    const s = meanOverCategories({ x: { '1': a }, y: { '1': b } }, [1]);
    expect(s['1'].mean.image.auroc).toBeCloseTo(0.65, 12);
    expect(s['1'].std.image.auroc).toBeCloseTo(0.05, 12); // (0.1 + 0) / 2, not the spread of the two means
    expect(s['1'].categories).toBe(2);
  });

  it('leaves pixel metrics out when a run has none', () => {
    const a = aggregateRuns([run(0, 0.9, null)]);
    expect(a.mean.pixel).toBeNull();
    expect(a.std.pixel).toBeNull();
  });
});

describe('tables', () => {
  it('formats cells as the paper does', () => {
    expect(formatCell(0.918, 0)).toBe('91.8±0.0');
    expect(formatCell(1, 0.0049)).toBe('100.0±0.5');
    expect(formatCell(Number.NaN, 0)).toBe('-');
    expect(formatCell(null, null)).toBe('-');
  });

  it('aligns columns', () => {
    expect(
      layout([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\nccc  d');
  });

  const categories = {
    metal_nut: {
      '0': aggregateRuns([run(0, 0.972, 0.5)]),
      '1': aggregateRuns([run(0, 0.98, 0.6), run(1, 0.99, 0.8)]),
    },
    pcb1: { '0': aggregateRuns([run(0, 0.5, 0.25)]), '1': aggregateRuns([run(0, Number.NaN, 0.5)]) },
  };
  const out: EvalOutput = {
    dataset: 'mvtec',
    model: 'm',
    ablation: 'full',
    pixel_size: null,
    object_names: {},
    categories,
    summary: meanOverCategories(categories, [0, 1]),
    stats: { images_encoded: 0, features_from_cache: 0, seconds: 0 },
  };

  it('prints a class-wise table in the layout of Tables 10–21', () => {
    const t = classwiseTable(out, { level: 'image', key: 'auroc', title: 'AUROC' }, [0, 1]);
    expect(t).toBe(
      [
        'MVTec-AD (AC)  K = 0     K = 1',
        'AUROC          WinCLIP   WinCLIP+',
        'Metal nut      97.2±0.0  98.5±0.5',
        'PCB1           50.0±0.0  -',
        'Mean           73.6±0.0  -',
      ].join('\n'),
    );
  });

  it('prints six class-wise tables and both summaries', () => {
    const r = formatReport(out, [0, 1]);
    for (const h of [
      'AUROC',
      'AUPR',
      'F1-max',
      'pAUROC',
      'PRO',
      'Anomaly Classification (MVTec-AD)',
      'Anomaly Segmentation (MVTec-AD)',
    ]) {
      expect(r).toContain(h);
    }
    expect(r).toContain('1-shot  WinCLIP+');
    // PRO class-wise row of metal nut, 1-shot: mean 0.7, std 0.1
    expect(r).toMatch(/Metal nut\s+50\.0±0\.0\s+70\.0±10\.0/);
  });
});
