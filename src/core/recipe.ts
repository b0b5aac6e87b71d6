/**
 * Recipes: one JSON file that carries a station's setup to another station or to the CLI — model
 * identity, object name, state words, templates, thresholds per mode, calibration, and the reference
 * shots themselves (base64). JSON rather than a ZIP: one readable, diffable file that this pure module
 * parses without an archive reader; the bank is a handful of photos, so base64's third more is cheap.
 */

import { isModeKind, MODE_KINDS, type ModeKind, modeOf, recipeModeOf } from './scoring-mode';
import { checkPolicy, type MinRegionArea } from './verdict-policy';

export const RECIPE_FORMAT = 'winclip-recipe';
export const RECIPE_VERSION = 1;

export type RecipeModelSource =
  | { kind: 'hub'; repo: string }
  | { kind: 'url'; url: string }
  | { kind: 'local' };

export interface RecipeModel {
  source: RecipeModelSource;
  label: string;
  /** Size of open_clip_model.safetensors in bytes. */
  weightsBytes: number | null;
  /** See weights-fingerprint.ts. */
  weightsFingerprint: string | null;
  /**
   * The hub commit the model was loaded from, so the recipe reloads exactly those files (a branch
   * moves); null for local files, folder URLs and recipes written before commits were recorded.
   */
  commit?: string | null;
}

export interface RecipePrompts {
  objectName: string;
  normalStates: string[];
  anomalousStates: string[];
  templates: string[];
}

export interface RecipeThresholds {
  image: number;
  pixel: number;
  // --- verdict policy (src/core/verdict-policy.ts): optional, absent in older recipes ---
  /** REVIEW from this score up to `image` (the NG threshold). */
  review?: number;
  /** A region at or above `pixel` at least this large makes the part NG. */
  minRegionArea?: MinRegionArea;
  // --- end verdict policy ---
}

/** How the thresholds were found (leave-one-out over the bank), when they were. */
export interface RecipeCalibration {
  rule: string;
  references: number;
  imageThreshold: number;
  pixelThreshold: number;
}

export interface RecipeReference {
  name: string;
  mediaType: string;
  /** The image file's bytes, base64. */
  data: string;
}

export interface Recipe {
  format: typeof RECIPE_FORMAT;
  version: typeof RECIPE_VERSION;
  createdAt: string;
  model: RecipeModel;
  prompts: RecipePrompts;
  thresholds: Partial<Record<ModeKind, RecipeThresholds>>;
  calibration: RecipeCalibration | null;
  references: RecipeReference[];
}

export class RecipeError extends Error {
  override name = 'RecipeError';
}

function fail(what: string): never {
  throw new RecipeError(`recipe: ${what}`);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${at}.${key} must be a string`);
  return v;
}

function strList(o: Obj, key: string, at: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    fail(`${at}.${key} must be a list of strings`);
  if (v.length === 0) fail(`${at}.${key} is empty`);
  return v as string[];
}

function num(o: Obj, key: string, at: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${at}.${key} must be a finite number`);
  return v;
}

function parseSource(v: unknown): RecipeModelSource {
  if (!isObj(v)) fail('model.source must be an object');
  if (v.kind === 'hub') return { kind: 'hub', repo: str(v, 'repo', 'model.source') };
  if (v.kind === 'url') return { kind: 'url', url: str(v, 'url', 'model.source') };
  if (v.kind === 'local') return { kind: 'local' };
  fail(`model.source.kind must be "hub", "url" or "local", got ${JSON.stringify(v.kind)}`);
}

function parseModel(v: unknown): RecipeModel {
  if (!isObj(v)) fail('model must be an object');
  const bytes = v.weightsBytes ?? null;
  const fp = v.weightsFingerprint ?? null;
  if (bytes !== null && !(typeof bytes === 'number' && Number.isInteger(bytes) && bytes > 0))
    fail('model.weightsBytes must be a positive integer or null');
  if (fp !== null && typeof fp !== 'string') fail('model.weightsFingerprint must be a string or null');
  const commit = v.commit ?? null;
  if (commit !== null && !(typeof commit === 'string' && /^[0-9a-f]{40}$/.test(commit)))
    fail('model.commit must be a 40-hex-digit commit id or null');
  return {
    source: parseSource(v.source),
    label: str(v, 'label', 'model'),
    weightsBytes: bytes,
    weightsFingerprint: fp,
    commit,
  };
}

function parsePrompts(v: unknown): RecipePrompts {
  if (!isObj(v)) fail('prompts must be an object');
  const p: RecipePrompts = {
    objectName: str(v, 'objectName', 'prompts'),
    normalStates: strList(v, 'normalStates', 'prompts'),
    anomalousStates: strList(v, 'anomalousStates', 'prompts'),
    templates: strList(v, 'templates', 'prompts'),
  };
  if (!p.objectName.trim()) fail('prompts.objectName is empty');
  const missing = [...p.normalStates, ...p.anomalousStates, ...p.templates].find((s) => !s.includes('{}'));
  if (missing !== undefined) fail(`prompts: "${missing}" has no {} placeholder`);
  return p;
}

function parseThresholds(v: unknown): Partial<Record<ModeKind, RecipeThresholds>> {
  if (!isObj(v)) fail('thresholds must be an object');
  const out: Partial<Record<ModeKind, RecipeThresholds>> = {};
  for (const key of Object.keys(v)) {
    if (!isModeKind(key)) {
      const names = MODE_KINDS.map((m) => `"${m}"`);
      fail(`thresholds.${key}: modes are ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
    }
    const t = v[key];
    if (!isObj(t)) fail(`thresholds.${key} must be an object`);
    out[key] = {
      image: num(t, 'image', `thresholds.${key}`),
      pixel: num(t, 'pixel', `thresholds.${key}`),
      ...parsePolicyFields(t, `thresholds.${key}`),
    };
  }
  return out;
}

// --- verdict policy fields of a mode's thresholds ---
function parsePolicyFields(t: Obj, at: string): Pick<RecipeThresholds, 'review' | 'minRegionArea'> {
  const out: Pick<RecipeThresholds, 'review' | 'minRegionArea'> = {};
  if (t.review !== undefined) out.review = num(t, 'review', at);
  if (t.minRegionArea !== undefined) {
    const a = t.minRegionArea;
    if (!isObj(a) || (a.unit !== 'px' && a.unit !== '%'))
      fail(`${at}.minRegionArea must be {"value": number, "unit": "px" or "%"}`);
    out.minRegionArea = { value: num(a, 'value', `${at}.minRegionArea`), unit: a.unit };
  }
  try {
    checkPolicy({
      ngThreshold: num(t, 'image', at),
      reviewThreshold: out.review,
      minRegionArea: out.minRegionArea,
    });
  } catch (err) {
    fail(`${at}: ${(err as Error).message}`);
  }
  return out;
}
// --- end verdict policy fields ---

function parseCalibration(v: unknown): RecipeCalibration | null {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) fail('calibration must be an object or null');
  const references = num(v, 'references', 'calibration');
  if (!Number.isInteger(references) || references < 2) fail('calibration.references must be an integer >= 2');
  return {
    rule: str(v, 'rule', 'calibration'),
    references,
    imageThreshold: num(v, 'imageThreshold', 'calibration'),
    pixelThreshold: num(v, 'pixelThreshold', 'calibration'),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseReferences(v: unknown): RecipeReference[] {
  if (!Array.isArray(v)) fail('references must be a list');
  return v.map((r, i) => {
    const at = `references[${i}]`;
    if (!isObj(r)) fail(`${at} must be an object`);
    const data = str(r, 'data', at);
    if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) fail(`${at}.data is not base64`);
    return { name: str(r, 'name', at), mediaType: str(r, 'mediaType', at), data };
  });
}

/** Checks a parsed JSON value; throws a RecipeError naming the first problem. */
export function validateRecipe(raw: unknown): Recipe {
  if (!isObj(raw) || raw.format !== RECIPE_FORMAT)
    fail(`not a WinCLIP recipe (no "format": "${RECIPE_FORMAT}")`);
  if (raw.version !== RECIPE_VERSION) {
    fail(
      `version ${JSON.stringify(raw.version)} is not supported (this build reads version ${RECIPE_VERSION})`,
    );
  }
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '',
    model: parseModel(raw.model),
    prompts: parsePrompts(raw.prompts),
    thresholds: parseThresholds(raw.thresholds ?? {}),
    calibration: parseCalibration(raw.calibration),
    references: parseReferences(raw.references ?? []),
  };
}

export function parseRecipe(text: string): Recipe {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('not valid JSON');
  }
  return validateRecipe(raw);
}

export function serializeRecipe(recipe: Recipe): string {
  return `${JSON.stringify(recipe, null, 2)}\n`;
}

/** The mode the recipe's own bank puts a station in (few-shot when it carries reference shots). */
export function recipeMode(recipe: Recipe): ModeKind {
  return recipeModeOf(modeOf({ readyReferences: recipe.references.length }));
}

/** The thresholds for the recipe's own mode, if it has them. */
export function recipeThresholds(recipe: Recipe): RecipeThresholds | null {
  return recipe.thresholds[recipeMode(recipe)] ?? null;
}

/** Why the model described by `have` is not the recipe's, or null when it is (or cannot be told). */
export function modelMismatch(want: RecipeModel, have: RecipeModel): string | null {
  const wantFp = want.weightsFingerprint;
  const haveFp = have.weightsFingerprint;
  if (wantFp && haveFp && wantFp.split(':')[0] === haveFp.split(':')[0]) {
    return wantFp === haveFp
      ? null
      : `the recipe is for ${want.label}; the loaded weights are different (${have.label})`;
  }
  const a = want.source;
  const b = have.source;
  if (a.kind === 'hub' && b.kind === 'hub' && a.repo !== b.repo)
    return `the recipe is for ${a.repo}; the loaded model is ${b.repo}`;
  if (a.kind === 'hub' && b.kind === 'hub' && want.commit && have.commit && want.commit !== have.commit)
    return `the recipe is for ${a.repo}@${want.commit}; the loaded model is ${b.repo}@${have.commit}`;
  if (a.kind === 'url' && b.kind === 'url' && a.url !== b.url)
    return `the recipe is for ${a.url}; the loaded model is ${b.url}`;
  if (a.kind !== b.kind && a.kind !== 'local' && b.kind !== 'local')
    return `the recipe is for ${want.label}; the loaded model is ${have.label}`;
  return null;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
