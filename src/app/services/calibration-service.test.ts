/**
 * The calibration service against a stand-in engine whose leave-one-out returns fixed scores, and a
 * reload played as a fresh import of the modules over the same (fake) IndexedDB: a threshold the user
 * set is never replaced by a calibration, whatever the model is called on the next visit.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { LooScore } from '../../../workers/protocol';
import type { RecipeModel } from '../../core/recipe';
import type { ModelSource, ReferenceShot } from '../state/types';

const fake = vi.hoisted(() => ({ scores: [] as { imageScore: number; maxPixel: number }[] }));

vi.mock('./engine-service', () => ({
  engineJobs: { run: <T>(job: () => Promise<T>) => job() },
  engine: () => ({
    leaveOneOut: async (_signal: AbortSignal, ids: string[]): Promise<LooScore[]> =>
      ids.map((key, i) => ({ key, ...fake.scores[i], medianPixel: 0.1 })),
  }),
}));

const FINGERPRINT = `sampled-sha256-v1:${'ab'.repeat(32)}`;

function localModel(label: string): ModelSource {
  return { kind: 'local', label } as unknown as ModelSource;
}

function shot(i: number, status: ReferenceShot['status']): ReferenceShot {
  return {
    id: `r${i}`,
    name: `ref_${i}.png`,
    blob: new Blob([]),
    addedAt: i,
    status,
    error: null,
    thumb: null,
    width: 1,
    height: 1,
  };
}

let lastVisit: { flushCalibration: () => Promise<void> } | null = null;

/** One page visit: fresh modules (stores, service state) over the database the last visit left. */
async function visit(o: { firstVisit?: boolean } = {}) {
  // The visit before is left as a page is, its pending save written now: its debounced timer must not
  // fire later (a loaded machine delays it) over what this visit reads or writes.
  await lastVisit?.flushCalibration();
  vi.resetModules();
  if (o.firstVisit) await (await import('./idb')).idbClear('kv');
  const store = await import('../state/store');
  const calib = await import('../state/calibration');
  const service = await import('./calibration-service');
  store.useApp.setState({
    hydrated: true,
    engine: { ...store.useApp.getState().engine, status: 'ready' },
    promptStatus: { ...store.useApp.getState().promptStatus, applied: true, busy: false },
  });
  lastVisit = service;
  return { ...store, ...calib, ...service };
}

type Visit = Awaited<ReturnType<typeof visit>>;

/** The model becomes ready under this name and identity; the shots are encoded (ready). */
function modelReady(
  v: Visit,
  label: string,
  refs: number,
  identity = 'model-1',
  weightsFingerprint = FINGERPRINT,
): void {
  v.useApp.setState((s) => ({
    model: {
      ...v.initialModelState,
      phase: 'ready',
      source: localModel(label),
      weightsFingerprint,
      identity,
    },
    references: Array.from({ length: refs }, (_, i) => shot(i + 1, 'ready')),
    thresholds: s.thresholds,
  }));
}

async function calibrated(v: Visit, refs: number): Promise<{ image: number; pixel: number }> {
  await vi.waitFor(() => {
    const { loo } = v.useCalib.getState();
    expect([loo.status, loo.entries.length]).toEqual(['done', refs]);
  });
  const s = v.useCalib.getState().loo.suggested;
  if (!s) throw new Error('no suggestion');
  return s;
}

describe('calibration never replaces a threshold the user set', () => {
  it('keeps a threshold set from marks across a reload that names the same model "(kept)"', async () => {
    fake.scores = [
      { imageScore: 0.25, maxPixel: 0.4 },
      { imageScore: 0.26, maxPixel: 0.42 },
    ];
    const first = await visit({ firstVisit: true });
    first.useApp.setState({ model: { ...first.initialModelState, phase: 'building' } });
    await first.startCalibration();
    modelReady(first, 'open_clip_model (local)', 2);
    const bank = await calibrated(first, 2);
    expect(first.useCalib.getState().byMode['few-shot:2']).toMatchObject({
      image: bank.image,
      source: 'reference-bank',
    });
    first.applyLabelThreshold(0.2698);
    expect(first.useApp.getState().thresholds.image).toBe(0.2698);
    await first.flushCalibration();

    // The next visit: the same files, kept by the browser, under another display name.
    const second = await visit();
    second.useApp.setState({
      model: { ...second.initialModelState, phase: 'building' },
      references: [shot(1, 'pending'), shot(2, 'pending')],
    });
    await second.startCalibration();
    modelReady(second, 'open_clip_model (kept)', 2);
    const again = await calibrated(second, 2);
    expect(again.image).not.toBe(0.2698);
    const s = second.useApp.getState();
    const entry = second.useCalib.getState().byMode['few-shot:2'];
    expect(entry).toMatchObject({ image: 0.2698, source: 'labels' });
    expect(s.thresholds.image).toBe(0.2698);
    // Set under this very model (same identity) and prompts: not stale.
    const { thresholdStateOf } = await import('../state/threshold-decisions');
    expect(thresholdStateOf(entry, s)).toBe('labels');
    // Another model (other weights or config) makes it stale, still without replacing it.
    expect(thresholdStateOf(entry, { ...s, model: { ...s.model, identity: 'model-2' } })).toBe('stale');
  });

  it('keeps a hand-set threshold when a third reference is added, and offers the new calibration', async () => {
    fake.scores = [
      { imageScore: 0.2, maxPixel: 0.4 },
      { imageScore: 0.24, maxPixel: 0.41 },
      { imageScore: 0.3, maxPixel: 0.45 },
    ];
    const v = await visit({ firstVisit: true });
    await v.startCalibration();
    modelReady(v, 'tiny', 2);
    await calibrated(v, 2);
    v.patchThresholds({ image: 0.3 });
    expect(v.useCalib.getState().byMode['few-shot:2']).toMatchObject({ image: 0.3, source: 'manual' });

    v.useApp.setState((s) => ({ references: [...s.references, shot(3, 'encoding')] }));
    v.useApp.setState((s) => ({ references: s.references.map((r) => ({ ...r, status: 'ready' as const })) }));
    const offered = await calibrated(v, 3);
    expect(v.useCalib.getState().loo.modeKey).toBe('few-shot:3');
    expect(offered.image).not.toBeCloseTo(0.3, 6);
    expect(v.useCalib.getState().byMode['few-shot:3']).toMatchObject({ image: 0.3, source: 'manual' });
    expect(v.useApp.getState().thresholds.image).toBe(0.3);

    // One click takes the offer; from then on the bank's calibration is followed.
    v.applyBankSuggestion();
    expect(v.useApp.getState().thresholds.image).toBe(offered.image);
    expect(v.useCalib.getState().byMode['few-shot:3'].source).toBe('reference-bank');
  });

  it("binds a recipe's thresholds to its model however it is loaded, keeping their source", async () => {
    fake.scores = [
      { imageScore: 0.25, maxPixel: 0.4 },
      { imageScore: 0.26, maxPixel: 0.42 },
    ];
    const recipeModel: RecipeModel = {
      source: { kind: 'local' },
      label: 'open_clip_model (kept)',
      weightsBytes: 1,
      weightsFingerprint: FINGERPRINT,
    };
    const v = await visit({ firstVisit: true });
    await v.startCalibration();
    // Opened before any model is loaded: the thresholds wait for the recipe's model.
    v.setModeThresholds('few-shot:2', { image: 0.2698, pixel: 0.6 }, 'recipe', recipeModel);
    v.setModeThresholds('zero-shot', { image: 0.41, pixel: 0.6 }, 'recipe', recipeModel);
    // Another model first: the recipe's thresholds stay, stale, not bound to it.
    modelReady(v, 'other', 0, 'model-other', `sampled-sha256-v1:${'cd'.repeat(32)}`);
    const { thresholdStateOf } = await import('../state/threshold-decisions');
    const zs = () => v.useCalib.getState().byMode['zero-shot'];
    expect(thresholdStateOf(zs(), v.useApp.getState())).toBe('stale');
    // Then the same files as the recipe's, picked by hand under another name.
    v.useApp.setState({ model: { ...v.initialModelState, phase: 'building' } });
    modelReady(v, 'open_clip_model (local)', 2);
    const bank = await calibrated(v, 2);
    expect(bank.image).not.toBe(0.2698);
    const entry = v.useCalib.getState().byMode['few-shot:2'];
    expect(entry).toMatchObject({ image: 0.2698, pixel: 0.6, source: 'recipe', model: 'model-1' });
    expect(entry.awaits).toBeUndefined();
    expect(thresholdStateOf(entry, v.useApp.getState())).toBe('recipe');
    expect(v.useApp.getState().thresholds).toEqual({ image: 0.2698, pixel: 0.6 });
  });
});

describe('the verdict policy of a mode', () => {
  it('is set by hand, stays through a new threshold and a reload, and goes when switched off', async () => {
    fake.scores = [];
    const v = await visit({ firstVisit: true });
    await v.startCalibration();
    modelReady(v, 'tiny', 0);
    // A fresh profile: no entry for zero-shot (unjudged). Setting a review band is setting a policy by
    // hand: the sliders' thresholds become the mode's own.
    expect(v.useCalib.getState().byMode['zero-shot']).toBeUndefined();
    v.setPolicyExtras({ review: 0.45 });
    expect(v.useCalib.getState().byMode['zero-shot']).toMatchObject({
      image: 0.5,
      pixel: 0.5,
      review: 0.45,
      source: 'manual',
    });
    v.setPolicyExtras({ minArea: { value: 2, unit: '%' } });
    // A threshold from marks keeps the review band and the region rule.
    v.applyLabelThreshold(0.52);
    expect(v.useCalib.getState().byMode['zero-shot']).toMatchObject({
      image: 0.52,
      review: 0.45,
      minArea: { value: 2, unit: '%' },
      source: 'labels',
    });
    await v.flushCalibration();

    const next = await visit();
    await next.startCalibration();
    expect(next.useCalib.getState().byMode['zero-shot']).toMatchObject({
      image: 0.52,
      review: 0.45,
      minArea: { value: 2, unit: '%' },
    });
    next.setPolicyExtras({ review: undefined });
    const entry = next.useCalib.getState().byMode['zero-shot'];
    expect('review' in entry).toBe(false);
    expect(entry.minArea).toEqual({ value: 2, unit: '%' });
  });
});
