import { describe, expect, it } from 'vitest';
import { resultsErrors } from '../../../test/results-schema';
import type { MapReport } from '../../../workers/protocol';
import { METHOD_SETTINGS } from '../../core/method-settings';
import { type ImageRecord, methodProvenance, type ResultsProvenance } from '../../core/results-format';
import type { VerdictPolicy } from '../../core/verdict-policy';
import type { InspectedImage } from '../state/types';
import { CSV_COLUMNS, resultRows, toCsv, toJson, verdictCounts } from './results';

const base: Omit<InspectedImage, 'id' | 'name' | 'result'> = {
  file: null as unknown as File,
  addedAt: 0,
  status: 'done',
  error: null,
  width: 240,
  height: 240,
  tiles: 1,
  thumb: null,
  encodeMs: null,
};
const map = { width: 1, height: 1, data: new Float32Array(1) };
const images: InspectedImage[] = [
  {
    ...base,
    id: 'a',
    name: 'a.png',
    result: { score: 0.3, mode: 'few-shot', bank: 3, mapMin: 0, mapMax: 1, thumbMap: map },
  },
  {
    ...base,
    id: 'b',
    name: 'b.png',
    result: { score: 0.52, mode: 'zero-shot', bank: 0, mapMin: 0, mapMax: 1, thumbMap: map },
  },
];

describe('result rows with calibration extras', () => {
  it("uses each image's own-mode threshold for the verdict and carries marks, regions and state words", () => {
    const rows = resultRows(images, {
      thresholds: { image: 0.28, pixel: 0.29 },
      k: 3,
      model: 'm',
      weights: 'w',
      promptSet: 'p',
      extras: {
        label: (im) => (im.id === 'a' ? 'NG' : null),
        thresholds: (im) =>
          im.id === 'a'
            ? { mode: 'few-shot:3', image: 0.28, pixel: 0.29, policy: { ngThreshold: 0.28 } }
            : { mode: 'zero-shot', image: 0.531, pixel: 0.6, policy: { ngThreshold: 0.531 } },
        explanations: new Map([
          [
            'a',
            {
              width: 240,
              height: 240,
              pixelThreshold: 0.29,
              regions: [
                {
                  box: [1, 2, 11, 12],
                  area: 80,
                  areaFraction: 80 / 57600,
                  peak: 0.33,
                  state: 'damaged bottle',
                  stateShare: 0.4,
                },
              ],
              imageStates: [{ state: 'damaged bottle', cls: 'anomalous', share: 0.3 }],
            },
          ],
        ]),
      },
    });
    // a: 0.3 ≥ 0.28 → NG; b: 0.52 < 0.531 (its zero-shot threshold, not the sliders' 0.28) → OK.
    expect(rows.map((r) => r.verdict)).toEqual(['NG', 'OK']);
    expect(rows[0].regions?.[0]).toEqual({
      box: [1, 2, 11, 12],
      area: 80,
      area_percent: (80 / 57600) * 100,
      peak: 0.33,
      state: 'damaged bottle',
    });
    const lines = toCsv(rows, { model: 'm', weights: 'w', promptSet: 'p' }).slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      `a.png,240,240,0.3,NG,scored,few-shot,3,0.28,0.29,few-shot:3,,,,1,1,2,11,12,80,${(80 / 57600) * 100},0.33,damaged bottle,damaged bottle,NG,m,w,p,`,
    );
    expect(lines[2]).toBe(
      'b.png,240,240,0.52,OK,scored,zero-shot,3,0.531,0.6,zero-shot,,,,,,,,,,,,,,,m,w,p,',
    );
  });
});

describe('the JSON export', () => {
  it('is a winclip-results v1 document that the schema accepts, with the CLI field names', () => {
    const failed: InspectedImage = {
      ...base,
      id: 'c',
      name: 'lot 7/c.png',
      status: 'error',
      error: 'c.png: not an image',
      width: null,
      height: null,
      result: null,
    };
    const maps = new Map([
      [
        'b',
        {
          width: 240,
          height: 240,
          maxPixel: 0.71,
          areaAbove: 12,
          areaAboveFraction: 12 / 57600,
          regions: [{ box: [5, 6, 9, 9] as [number, number, number, number], area: 12, peak: 0.71 }],
        },
      ],
    ]);
    const rows = resultRows(
      [...images, failed],
      {
        thresholds: { image: 0.5, pixel: 0.6 },
        k: 3,
        model: 'org/clip',
        weights: `sampled-sha256-v1:${'ab'.repeat(32)}`,
        promptSet: '0123456789abcdef',
        extras: {
          label: (im) => (im.id === 'b' ? 'OK' : null),
          thresholds: (im) =>
            im.result ? { mode: 'few-shot:3', image: 0.5, pixel: 0.6, policy: { ngThreshold: 0.5 } } : null,
          explanations: new Map(),
        },
      },
      maps,
    );
    const provenance: ResultsProvenance = {
      created: '2026-01-02T03:04:05.678Z',
      tool: { name: 'winclip-app', version: '0.1.0' },
      model: {
        name: 'org/clip',
        repo: 'org/clip',
        path: null,
        commit: null,
        weights_fingerprint: `sampled-sha256-v1:${'ab'.repeat(32)}`,
      },
      prompt_set: '0123456789abcdef',
      thresholds: { image: 0.5, pixel: 0.6, mode: 'few-shot:3', source: 'reference-bank' },
      method: methodProvenance(METHOD_SETTINGS, { kind: 'few-shot', k: 3 }),
      session: { name: 'Morning', part: 'bottle', lot: '7', station: 'A' },
    };
    const doc = JSON.parse(
      toJson(rows, provenance, {
        backend: 'wasm',
        prompts: {
          objectName: 'bottle',
          normalStates: ['flawless'],
          anomalousStates: ['broken'],
          templates: ['a photo of a {}.'],
          counts: { normal: 1, anomalous: 1 },
        },
        references: ['r1.png', 'r2.png', 'r3.png'],
        thresholdsByMode: { 'few-shot:3': { image: 0.5, pixel: 0.6, source: 'reference-bank' } },
      }),
    );
    expect(resultsErrors(doc)).toEqual([]);
    expect([doc.format, doc.version]).toEqual(['winclip-results', 1]);
    expect(doc.method).toMatchObject({ mode: 'few-shot', k: 3, window_scales: [2, 3] });
    expect(doc.images.map((r: ImageRecord) => [r.file, r.image_score, r.verdict])).toEqual([
      ['a.png', 0.3, 'OK'],
      ['b.png', 0.52, 'NG'],
      ['lot 7/c.png', null, null],
    ]);
    expect(doc.images[1].regions).toEqual([
      { box: [5, 6, 9, 9], area: 12, area_percent: (100 * 12) / 57600, peak: 0.71, state: null },
    ]);
    expect(doc.counts).toEqual({ ok: 1, review: 0, ng: 1, unjudged: 0, unscored: 1 });
    // The old names are gone, so a misspelt or stale field fails the schema.
    expect(resultsErrors({ ...doc, images: [{ ...doc.images[0], score: 0.3 }] })).toEqual([
      '/images/0 must NOT have additional properties',
    ]);
  });
});

describe('lot-mode rows', () => {
  it('write the RsCIN score as image_score and the max score, which the verdict compares, as max_score', () => {
    const lot: InspectedImage = {
      ...base,
      id: 'l',
      name: 'l.png',
      result: { score: 0.62, lotScore: 0.25, mode: 'lot', bank: 6, mapMin: 0.1, mapMax: 0.62, thumbMap: map },
    };
    const [row] = resultRows([lot], {
      thresholds: { image: 0.6, pixel: 0.5 },
      k: 0,
      model: 'm',
      weights: 'w',
      promptSet: 'p',
    });
    // 0.62 ≥ 0.6 is NG, though the lot's RsCIN score 0.25 is below the threshold.
    expect([row.image_score, row.max_score, row.verdict, row.mode]).toEqual([0.25, 0.62, 'NG', 'lot']);
  });
});

describe('REVIEW and unjudged rows', () => {
  const three: InspectedImage[] = [0.2, 0.26, 0.3].map((score, i) => ({
    ...base,
    id: `i${i}`,
    name: `i${i}.png`,
    result: { score, mode: 'few-shot', bank: 2, mapMin: 0, mapMax: 1, thumbMap: map },
  }));
  const ctx = (policy: VerdictPolicy | null) => ({
    thresholds: { image: 0.28, pixel: 0.6 },
    k: 2,
    model: 'm',
    weights: 'w',
    promptSet: 'p',
    extras: {
      label: () => null,
      thresholds: () => ({ mode: 'few-shot:2', image: 0.28, pixel: 0.6, policy }),
      explanations: new Map(),
    },
  });

  it('decide OK / REVIEW / NG by the review band, and say unjudged with null verdict and threshold', () => {
    const judged = resultRows(three, ctx({ ngThreshold: 0.28, reviewThreshold: 0.25 }));
    expect(judged.map((r) => [r.verdict, r.status, r.image_threshold])).toEqual([
      ['OK', 'scored', 0.28],
      ['REVIEW', 'scored', 0.28],
      ['NG', 'scored', 0.28],
    ]);
    expect(verdictCounts(judged)).toEqual({ ok: 1, review: 1, ng: 1, unjudged: 0, unscored: 0 });
    const unjudged = resultRows(three, ctx(null));
    expect(unjudged.map((r) => [r.verdict, r.status, r.image_threshold])).toEqual([
      [null, 'unjudged', null],
      [null, 'unjudged', null],
      [null, 'unjudged', null],
    ]);
    expect(verdictCounts(unjudged)).toEqual({ ok: 0, review: 0, ng: 0, unjudged: 3, unscored: 0 });
    // The CSV leaves the verdict empty and says why in the status column.
    const [head, line] = toCsv(unjudged, { model: 'm', weights: 'w', promptSet: 'p' }).slice(1).split('\r\n');
    const header = head.split(',');
    const first = line.split(',');
    expect(first[header.indexOf('verdict')]).toBe('');
    expect(first[header.indexOf('status')]).toBe('unjudged');
  });

  it("take the region rule from the map report: a region at least the minimum area makes NG, dust doesn't", () => {
    const report = (area: number): MapReport => ({
      width: 240,
      height: 240,
      maxPixel: 0.7,
      areaAbove: area,
      areaAboveFraction: area / 57600,
      regions: [{ box: [0, 0, 10, 10], area, peak: 0.7 }],
    });
    const policy: VerdictPolicy = {
      ngThreshold: 0.28,
      reviewThreshold: 0.25,
      pixelThreshold: 0.6,
      minRegionArea: { value: 50, unit: 'px' },
    };
    const small = resultRows(three, ctx(policy), new Map(three.map((im) => [im.id, report(49)])));
    expect(small.map((r) => r.verdict)).toEqual(['OK', 'REVIEW', 'NG']);
    const large = resultRows(three, ctx(policy), new Map(three.map((im) => [im.id, report(50)])));
    expect(large.map((r) => r.verdict)).toEqual(['NG', 'NG', 'NG']);
    // 50 px of 57600 is 0.087 %: a 0.1 % minimum leaves it out again.
    const pct = { ...policy, minRegionArea: { value: 0.1, unit: '%' as const } };
    const rows = resultRows(three, ctx(pct), new Map(three.map((im) => [im.id, report(50)])));
    expect(rows.map((r) => r.verdict)).toEqual(['OK', 'REVIEW', 'NG']);
  });
});

describe('rows under an inspection region', () => {
  const roi = { x: 40, y: 30, width: 100, height: 80 };
  const report = (maxPixel: number): MapReport => ({
    width: roi.width,
    height: roi.height,
    roi,
    maxPixel,
    areaAbove: 20,
    areaAboveFraction: 20 / 8000,
    regions: [{ box: [2, 3, 7, 7], area: 20, peak: 0.8 }],
  });
  const ctx = {
    thresholds: { image: 0.5, pixel: 0.6 },
    k: 0,
    model: 'm',
    weights: 'w',
    promptSet: 'p',
  };

  it('carry the roi, region boxes in image pixels, areas as shares of the ROI, as the CLI writes them', () => {
    const rows = resultRows(images, ctx, new Map([['b', report(0.8)]]));
    expect(rows[1].roi).toEqual(roi);
    expect(rows[1].regions).toEqual([
      { box: [42, 33, 47, 37], area: 20, area_percent: (100 * 20) / 8000, peak: 0.8, state: null },
    ]);
    // An image without a map report (not scored under the ROI) has no roi field.
    expect('roi' in rows[0]).toBe(false);
    const [head, , line] = toCsv(rows, ctx).slice(1).trimEnd().split('\r\n');
    const header = head.split(',');
    expect(header.slice(0, 7)).toEqual([
      'file',
      'width',
      'height',
      'roi_x',
      'roi_y',
      'roi_width',
      'roi_height',
    ]);
    expect(header.filter((h) => !h.startsWith('roi_'))).toEqual(CSV_COLUMNS);
    const cells = line.split(',');
    expect(cells.slice(3, 7)).toEqual(['40', '30', '100', '80']);
    // Without an ROI the columns are the same as before.
    expect(toCsv(resultRows(images, ctx), ctx).slice(1).split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
  });

  it("write no peak when every map cell lies in a don't-care area, and the schema accepts the document", () => {
    const rows = resultRows(images, ctx, new Map([['b', report(Number.NEGATIVE_INFINITY)]]));
    expect(rows[1].max_pixel).toBeNull();
    const provenance: ResultsProvenance = {
      created: '2026-01-02T03:04:05.678Z',
      tool: { name: 'winclip-app', version: '0.1.0' },
      model: { name: 'm', repo: null, path: null, commit: null, weights_fingerprint: null },
      prompt_set: null,
      thresholds: { image: 0.5, pixel: 0.6, mode: 'zero-shot', source: null },
      method: methodProvenance(METHOD_SETTINGS, { kind: 'zero-shot' }),
      inspection: { roi, ignore: [{ kind: 'rect', box: { x: 40, y: 30, width: 100, height: 80 } }] },
    };
    const doc = JSON.parse(
      toJson(rows, provenance, {
        backend: 'wasm',
        prompts: {
          objectName: 'bottle',
          normalStates: ['flawless'],
          anomalousStates: ['broken'],
          templates: ['a photo of a {}.'],
          counts: { normal: 1, anomalous: 1 },
        },
        references: [],
      }),
    );
    expect(resultsErrors(doc)).toEqual([]);
    expect(doc.images[1].roi).toEqual(roi);
    expect(doc.inspection.roi).toEqual(roi);
  });
});
