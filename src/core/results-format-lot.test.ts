import { describe, expect, it } from 'vitest';
import { resultsErrors } from '../../test/results-schema';
import { METHOD_SETTINGS } from './method-settings';
import { muscSettings } from './musc/settings';
import { csvColumns } from './results-csv';
import {
  imageRecord,
  methodProvenance,
  type ResultsProvenance,
  resultsHeader,
  thresholdProvenance,
} from './results-format';
import type { ScoringMode } from './scoring-mode';

const LOT: ScoringMode = { kind: 'lot', n: 6 };
const settings = muscSettings({ blocks: 2, imageSize: 240, patchSize: 16 }, { size: 320 });

function provenance(mode: ScoringMode): ResultsProvenance {
  return {
    created: '2026-01-01T00:00:00.000Z',
    tool: { name: 'winclip', version: '0.1.0' },
    model: { name: 'tiny', repo: null, path: 'tiny', commit: null, weights_fingerprint: null },
    prompt_set: null,
    thresholds: thresholdProvenance(mode, { image: 0.4, pixel: null }, 'flag'),
    method: methodProvenance(METHOD_SETTINGS, mode, settings),
  };
}

describe('lot-mode results', () => {
  it('records the lot settings and size as the method, and the threshold key "lot"', () => {
    const p = provenance(LOT);
    const lot = {
      n: 6,
      layers: [0, 1],
      size: 320,
      r_list: [1, 3, 5],
      interval: [0, 0.3],
      rscin_k: [1, 2, 3],
    };
    expect(p.method).toEqual({ mode: 'lot', k: 0, ...lot });
    expect(p.thresholds.mode).toBe('lot');
    expect(() => methodProvenance(METHOD_SETTINGS, LOT)).toThrow('needs the lot settings');
  });

  it('writes max_score and the map size after image_score, and the schema accepts the document', () => {
    const rec = imageRecord({
      file: 'a.png',
      width: 640,
      height: 400,
      imageScore: 0.25,
      maxScore: 0.61,
      mapSize: { width: 2, height: 2 },
      verdict: 'NG',
    });
    expect(Object.keys(rec)).toEqual([
      'file',
      'width',
      'height',
      'image_score',
      'max_score',
      'map_width',
      'map_height',
      'verdict',
    ]);
    const doc = {
      ...resultsHeader(provenance(LOT)),
      images: [{ ...rec, anomaly_map: [0.1, 0.2, 0.3, 0.61] }],
    };
    expect(resultsErrors(doc)).toEqual([]);
    // WinCLIP's fields do not belong to a lot's method, nor the lot's to WinCLIP's.
    const mixed = { ...doc, method: { ...doc.method, temperature: 0.07 } };
    expect(resultsErrors(mixed).length).toBeGreaterThan(0);
    const zs = resultsHeader(provenance({ kind: 'zero-shot' }));
    expect(resultsErrors({ ...zs, images: [] })).toEqual([]);
    expect(resultsErrors({ ...zs, method: { ...zs.method, n: 6 }, images: [] }).length).toBeGreaterThan(0);
  });

  it('has CSV columns for the max score and map size, only in the lot group', () => {
    expect(csvColumns(['lot']).map((c) => c.name)).toEqual(['max_score', 'map_width', 'map_height']);
    expect(csvColumns(['image']).map((c) => c.name)).not.toContain('max_score');
  });
});
