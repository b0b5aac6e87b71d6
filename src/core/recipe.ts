/**
 * Recipes: one JSON file that carries a station's setup to another station or to the CLI — model
 * identity, object name, state words, templates, thresholds per mode, calibration, and the reference
 * shots themselves (base64). JSON rather than a ZIP: one readable, diffable file that this pure module
 * parses without an archive reader; the bank is a handful of photos, so base64's third more is cheap.
 */

import { boxProblem, type DontCareArea, type InspectionSetup } from './inspection-region';
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

/** A mode's thresholds and the rest of its verdict policy (src/core/verdict-policy.ts). */
export interface RecipeThresholds {
  image: number;
  pixel: number;
  /** REVIEW from this score up to `image`; absent: no review band (recipes before it). */
  review?: number;
  /** The region rule's minimum area; absent: no region rule (recipes before it). */
  minRegionArea?: MinRegionArea;
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
  /** Where the station looks (ROI and don't-care areas, image pixels); absent: whole images (older recipes). */
  inspection?: InspectionSetup;
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
    const at = `thresholds.${key}`;
    const th: RecipeThresholds = { image: num(t, 'image', at), pixel: num(t, 'pixel', at) };
    if (t.review !== undefined) th.review = num(t, 'review', at);
    if (t.minRegionArea !== undefined)
      th.minRegionArea = parseMinArea(t.minRegionArea, `${at}.minRegionArea`);
    try {
      checkPolicy({ ngThreshold: th.image, reviewThreshold: th.review, minRegionArea: th.minRegionArea });
    } catch (err) {
      fail(`${at}: ${(err as Error).message}`);
    }
    out[key] = th;
  }
  return out;
}

function parseMinArea(v: unknown, at: string): MinRegionArea {
  if (!isObj(v)) fail(`${at} must be an object {value, unit}`);
  if (v.unit !== 'px' && v.unit !== '%') fail(`${at}.unit must be "px" or "%"`);
  return { value: num(v, 'value', at), unit: v.unit };
}

function parseBoxValue(v: unknown, at: string) {
  if (!isObj(v)) fail(`${at} must be an object {x, y, width, height}`);
  const box = {
    x: num(v, 'x', at),
    y: num(v, 'y', at),
    width: num(v, 'width', at),
    height: num(v, 'height', at),
  };
  const problem = boxProblem(box);
  if (problem) fail(`${at}: ${problem}`);
  return box;
}

function parseArea(v: unknown, at: string): DontCareArea {
  if (!isObj(v)) fail(`${at} must be an object`);
  if (v.kind === 'rect') return { kind: 'rect', box: parseBoxValue(v.box, `${at}.box`) };
  if (v.kind !== 'polygon') fail(`${at}.kind must be "rect" or "polygon"`);
  const pts = v.points;
  const isPoint = (p: unknown) =>
    Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number' && Number.isFinite(c));
  if (!Array.isArray(pts) || pts.length < 3 || !pts.every(isPoint))
    fail(`${at}.points must be a list of at least 3 [x, y] points`);
  return { kind: 'polygon', points: pts.map((p: number[]) => [p[0], p[1]] as [number, number]) };
}

function parseInspection(v: unknown): InspectionSetup | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail('inspection must be an object');
  const roi = v.roi === undefined || v.roi === null ? undefined : parseBoxValue(v.roi, 'inspection.roi');
  const ignore = v.ignore ?? [];
  if (!Array.isArray(ignore)) fail('inspection.ignore must be a list');
  return { ...(roi && { roi }), ignore: ignore.map((a, i) => parseArea(a, `inspection.ignore[${i}]`)) };
}

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
    // Only when present, so an older recipe reads back exactly as it was written.
    ...(raw.inspection !== undefined && { inspection: parseInspection(raw.inspection) }),
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

/**
 * A mode's thresholds after a new calibration: the new image and pixel thresholds, the minimum region
 * area kept, and the review threshold kept while it stays at or below the new NG threshold.
 */
export function recalibrated(
  old: RecipeThresholds | undefined,
  image: number,
  pixel: number,
): RecipeThresholds {
  return {
    image,
    pixel,
    ...(old?.review !== undefined && old.review <= image && { review: old.review }),
    ...(old?.minRegionArea && { minRegionArea: { ...old.minRegionArea } }),
  };
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
