import { describe, expect, it } from 'vitest';
import { IDLE_LOO, imageModeKey, imagePolicy, keyLabel, labelKey, normalRange } from './calibration';
import type { InspectedImage } from './types';

function image(mode: 'zero-shot' | 'few-shot' | null, bank = 0): InspectedImage {
  return {
    id: 'a',
    name: 'a.png',
    file: null as unknown as File,
    addedAt: 0,
    status: mode ? 'done' : 'queued',
    error: null,
    width: 1,
    height: 1,
    tiles: 1,
    thumb: null,
    result: mode
      ? {
          score: 0.3,
          mode,
          bank,
          mapMin: 0,
          mapMax: 1,
          thumbMap: { width: 1, height: 1, data: new Float32Array(1) },
        }
      : null,
    encodeMs: null,
  };
}

describe('thresholds per mode', () => {
  it('keys zero-shot and few-shot per K', () => {
    expect(imageModeKey(image('zero-shot'))).toBe('zero-shot');
    expect(imageModeKey(image('few-shot', 3))).toBe('few-shot:3');
    expect(imageModeKey(image(null))).toBeNull();
    expect(keyLabel('few-shot:3')).toBe('Few-shot · K=3');
    expect(keyLabel('zero-shot')).toBe('Zero-shot');
  });

  it("uses each image's own mode: sliders for the current mode, the table for another, else unjudged", () => {
    const current = { image: 0.28, pixel: 0.3 };
    const entry = { source: 'manual' as const, model: null, prompts: 'x' };
    const byMode = {
      'few-shot:3': { image: 0.2, pixel: 0.3, ...entry, review: 0.25 },
      'zero-shot': { image: 0.531, pixel: 0.6, ...entry, minArea: { value: 40, unit: 'px' as const } },
    };
    // The current mode judges by the sliders, with its own review threshold.
    expect(imagePolicy(image('few-shot', 3), 'few-shot:3', current, byMode)).toEqual({
      ngThreshold: 0.28,
      reviewThreshold: 0.25,
    });
    // Another mode by its table entry; a minimum area turns the region rule on at its pixel threshold.
    expect(imagePolicy(image('zero-shot'), 'few-shot:3', current, byMode)).toEqual({
      ngThreshold: 0.531,
      pixelThreshold: 0.6,
      minRegionArea: { value: 40, unit: 'px' },
    });
    // No threshold for K = 2, none for the current mode either: unjudged, not the default 0.5.
    expect(imagePolicy(image('few-shot', 2), 'few-shot:3', current, byMode)).toBeNull();
    expect(imagePolicy(image('zero-shot'), 'zero-shot', current, {})).toBeNull();
    expect(imagePolicy(image(null), 'few-shot:3', current, byMode)).toBeNull();
  });

  it('labels are keyed by image id and name', () => {
    expect(labelKey({ id: 'u1', name: 'part.png' })).toBe('u1|part.png');
  });

  it('the normal range is the mean median pixel to the highest max pixel of the finished run', () => {
    const loo = {
      ...IDLE_LOO,
      status: 'done' as const,
      modeKey: 'few-shot:2',
      entries: [
        { id: '1', name: '1', imageScore: 0.2, maxPixel: 0.3, medianPixel: 0.1 },
        { id: '2', name: '2', imageScore: 0.25, maxPixel: 0.35, medianPixel: 0.2 },
      ],
    };
    const r = normalRange(loo, 'few-shot:2');
    expect(r?.low).toBeCloseTo(0.15, 12);
    expect(r?.high).toBe(0.35);
    expect(normalRange(loo, 'few-shot:3')).toBeNull();
    expect(normalRange({ ...loo, status: 'running' }, 'few-shot:2')).toBeNull();
  });
});
