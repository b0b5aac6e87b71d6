/**
 * Whose thresholds win. A threshold the user set (by hand, from marks, from a recipe) stays until the
 * user changes it: a new calibration is only offered over it. Whether a threshold is stale is decided
 * by the model's identity (weights fingerprint + config) and the prompts, never by the model's display
 * name, which may differ between the same files picked and kept.
 */
import { modelMismatch, type RecipeModel } from '../../core/recipe';
import { parseThresholdKey } from '../../core/scoring-mode';
import type { MinRegionArea } from '../../core/verdict-policy';
import type { AppState } from './store';
import type { Thresholds } from './types';

/** Where a mode's thresholds came from. */
export type ThresholdSource = 'reference-bank' | 'labels' | 'manual' | 'recipe';

/** A mode's verdict policy beyond its image and pixel thresholds (src/core/verdict-policy.ts). */
export interface PolicyExtras {
  /** REVIEW from this score up to the image (NG) threshold; absent: no review band. */
  review?: number;
  /** Regions at or above the pixel threshold this large make a part NG; absent: no region rule. */
  minArea?: MinRegionArea;
}

export interface ModeThresholds extends Thresholds, PolicyExtras {
  source: ThresholdSource;
  /**
   * Identity of the model they were set under (src/io/model-identity.ts); null when no model was
   * ready then: the next one loaded is theirs.
   */
  model: string | null;
  /** The prompts they were set under (promptsBasis). */
  prompts: string;
  /** A recipe's thresholds waiting for the recipe's model: that model is theirs once it is loaded. */
  awaits?: RecipeModel;
}

export type ThresholdState = 'uncalibrated' | 'stale' | ThresholdSource;

/** Short stable hash (FNV-1a, 32 bit) so the prompts' basis stays small in storage. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function promptsBasis(prompts: AppState['prompts']): string {
  return fnv(JSON.stringify(prompts));
}

/** The ready model's identity, or null while none is ready (loading, failed, none). */
export function modelBasis(s: Pick<AppState, 'model'>): string | null {
  return s.model.phase === 'ready' ? s.model.identity : null;
}

/** An entry set now, under the current model (if one is ready) and prompts. */
export function entryNow(
  t: Thresholds,
  source: ThresholdSource,
  s: Pick<AppState, 'model' | 'prompts'>,
): ModeThresholds {
  return { image: t.image, pixel: t.pixel, source, model: modelBasis(s), prompts: promptsBasis(s.prompts) };
}

function isUserSet(e: ModeThresholds | undefined): boolean {
  return e !== undefined && e.source !== 'reference-bank';
}

/** Set under other prompts, or another model than the ready one (a recipe's still waiting for its own). */
function isStale(e: ModeThresholds, s: Pick<AppState, 'model' | 'prompts'>): boolean {
  if (e.prompts !== promptsBasis(s.prompts)) return true;
  const model = modelBasis(s);
  if (model === null) return false;
  return e.awaits !== undefined || (e.model !== null && e.model !== model);
}

export function thresholdStateOf(
  e: ModeThresholds | undefined,
  s: Pick<AppState, 'model' | 'prompts'>,
): ThresholdState {
  if (!e) return 'uncalibrated';
  return isStale(e, s) ? 'stale' : e.source;
}

/** A finished calibration replaces only what was calibrated before (or nothing); else it is offered. */
export function calibrationApplies(e: ModeThresholds | undefined): boolean {
  return !isUserSet(e);
}

/**
 * When the bank grows or shrinks (few-shot K → K'), the user's threshold goes with it, unless the
 * new K has one the user set itself. Zero-shot and few-shot scores live on different scales, so
 * nothing crosses kinds. Returns the new table, or null when nothing carries over.
 */
export function carryOver(
  byMode: Record<string, ModeThresholds>,
  fromKey: string,
  toKey: string,
): Record<string, ModeThresholds> | null {
  const from = byMode[fromKey];
  if (fromKey === toKey || !isUserSet(from) || isUserSet(byMode[toKey])) return null;
  const a = parseThresholdKey(fromKey);
  const b = parseThresholdKey(toKey);
  if (a?.kind !== 'few-shot' || b?.kind !== 'few-shot') return null;
  return { ...byMode, [toKey]: { ...from } };
}

/**
 * A model became ready: thresholds set while none was ready become its own, and a recipe's become its
 * own when it is the recipe's model (however it was loaded). Returns the same table when nothing changes.
 */
export function bindToModel(
  byMode: Record<string, ModeThresholds>,
  identity: string,
  loaded: RecipeModel | null,
): Record<string, ModeThresholds> {
  let out = byMode;
  for (const [key, e] of Object.entries(byMode)) {
    let next: ModeThresholds | null = null;
    if (e.awaits) {
      if (loaded && modelMismatch(e.awaits, loaded) === null) {
        const { awaits: _, ...rest } = e;
        next = { ...rest, model: identity };
      }
    } else if (e.model === null) next = { ...e, model: identity };
    if (next) out = { ...out, [key]: next };
  }
  return out;
}
