/**
 * The method's settings, in one place (METHOD.md §3). Change the window scales or the temperature here;
 * the engine, the CLI, the evaluator and the benchmarks all start from these values, and the engine
 * takes any of them as a parameter (`WinclipEngine.create(files, runtime, { windowScales: [2] })`).
 */

/** How per-window scores are pooled into cells and how zero-shot maps are combined. */
export type Aggregation = 'harmonic' | 'arithmetic';

/** Softmax temperature τ of the two-class anomaly score. */
export const TEMPERATURE = 0.07;
/** Window kernels k (k×k patches, stride 1) encoded and scored besides the full image. */
export const WINDOW_SCALES: readonly number[] = Object.freeze([2, 3]);
/** Mean used for window → cell pooling and for combining the zero-shot scale maps. */
const AGGREGATION: Aggregation = 'harmonic';
/** Whether the image-level score is one of the maps of the zero-shot multi-scale mean. */
const USE_IMAGE_SCALE = true;
/** Weight of the few-shot part (M^W, max M^W) in the fused map and image score; zero-shot gets 1 − w. */
const FEW_SHOT_WEIGHT = 0.5;

export interface MethodSettings {
  temperature: number;
  windowScales: readonly number[];
  aggregation: Aggregation;
  useImageScale: boolean;
  fewShotWeight: number;
}

export const METHOD_SETTINGS: Readonly<MethodSettings> = Object.freeze({
  temperature: TEMPERATURE,
  windowScales: WINDOW_SCALES,
  aggregation: AGGREGATION,
  useImageScale: USE_IMAGE_SCALE,
  fewShotWeight: FEW_SHOT_WEIGHT,
});

/**
 * The defaults with `overrides` applied, checked. `grid` (the model's patch grid side), when given,
 * bounds the window scales: a k×k window must fit on the grid.
 */
export function methodSettings(overrides: Partial<MethodSettings> = {}, grid?: number): MethodSettings {
  // An override given as undefined (e.g. an absent CLI flag) keeps the default.
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined);
  const s: MethodSettings = { ...METHOD_SETTINGS, ...Object.fromEntries(given) };
  if (!(s.temperature > 0 && Number.isFinite(s.temperature)))
    throw new Error(`method settings: temperature must be a positive number, got ${s.temperature}`);
  if (s.aggregation !== 'harmonic' && s.aggregation !== 'arithmetic')
    throw new Error(
      `method settings: aggregation must be 'harmonic' or 'arithmetic', got '${s.aggregation}'`,
    );
  if (!(s.fewShotWeight >= 0 && s.fewShotWeight <= 1))
    throw new Error(`method settings: fewShotWeight must be in [0, 1], got ${s.fewShotWeight}`);
  const maxK = grid ?? Number.POSITIVE_INFINITY;
  const ks = s.windowScales;
  if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > maxK) || new Set(ks).size !== ks.length)
    throw new Error(
      `method settings: window scales must be distinct integers from 1 to ${maxK}, got [${ks.join(', ')}]`,
    );
  return { ...s, windowScales: [...ks] };
}
