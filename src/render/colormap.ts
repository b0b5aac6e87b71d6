/** Colormaps as 256-entry RGBA lookup tables, and map → RGBA colouring. */
import { memo } from '../core/memo';

export type ColormapName = 'turbo' | 'inferno' | 'viridis' | 'jet' | 'gray';

export const COLORMAPS: { id: ColormapName; label: string }[] = [
  { id: 'turbo', label: 'Turbo' },
  { id: 'inferno', label: 'Inferno' },
  { id: 'viridis', label: 'Viridis' },
  { id: 'jet', label: 'Jet' },
  { id: 'gray', label: 'Grey' },
];

type Rgb = [number, number, number];

// Polynomial fits of the matplotlib / Google colormaps (max error well below one 8-bit step).
function turbo(x: number): Rgb {
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x2 * x2;
  const x5 = x4 * x;
  return [
    0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5,
    0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5,
    0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5,
  ];
}

function poly6(c: number[][], t: number): Rgb {
  const out: Rgb = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    let v = 0;
    for (let k = c.length - 1; k >= 0; k--) v = v * t + c[k][ch];
    out[ch] = v;
  }
  return out;
}

const VIRIDIS = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

const INFERNO = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

function jet(x: number): Rgb {
  const c = (v: number) => Math.min(1, Math.max(0, v));
  return [c(1.5 - Math.abs(4 * x - 3)), c(1.5 - Math.abs(4 * x - 2)), c(1.5 - Math.abs(4 * x - 1))];
}

const FUNCTIONS: Record<ColormapName, (x: number) => Rgb> = {
  turbo,
  viridis: (x) => poly6(VIRIDIS, x),
  inferno: (x) => poly6(INFERNO, x),
  jet,
  gray: (x) => [x, x, x],
};

const cache = new Map<ColormapName, Uint8ClampedArray>();

/** 256×RGBA table of a colormap (alpha 255). */
export function colormapLut(name: ColormapName): Uint8ClampedArray {
  return memo(cache, name, () => {
    const lut = new Uint8ClampedArray(256 * 4);
    const f = FUNCTIONS[name];
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = f(i / 255);
      lut[i * 4] = Math.round(r * 255);
      lut[i * 4 + 1] = Math.round(g * 255);
      lut[i * 4 + 2] = Math.round(b * 255);
      lut[i * 4 + 3] = 255;
    }
    return lut;
  });
}

/** Colours `map` into `out` (RGBA): values at `lo` get the first colour, at `hi` the last. */
export function colorizeMap(
  map: Float32Array,
  lut: Uint8ClampedArray,
  lo: number,
  hi: number,
  out: Uint8ClampedArray,
): void {
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0, j = 0; i < map.length; i++, j += 4) {
    const idx = Math.min(255, Math.max(0, Math.round((map[i] - lo) * scale)));
    const k = idx * 4;
    out[j] = lut[k];
    out[j + 1] = lut[k + 1];
    out[j + 2] = lut[k + 2];
    out[j + 3] = 255;
  }
}

/** CSS gradient of a colormap, for legends. */
export function colormapGradient(name: ColormapName): string {
  const lut = colormapLut(name);
  const stops: string[] = [];
  for (let i = 0; i <= 8; i++) {
    const k = Math.round((i / 8) * 255) * 4;
    stops.push(`rgb(${lut[k]} ${lut[k + 1]} ${lut[k + 2]}) ${(i / 8) * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/**
 * Colormap positions of the threshold scale: values below the threshold use only the cool start of
 * the colormap, values at or above it only the warm end, so the two never share a colour and "warm"
 * means "above the pixel threshold" on every image.
 */
const SPLIT_COOL: readonly [number, number] = [0.05, 0.35];
const SPLIT_WARM: readonly [number, number] = [0.65, 1];

/** Colormap position (0..1) of `v` on the threshold scale lo < t < hi (clamped at both ends). */
export function splitPosition(v: number, lo: number, t: number, hi: number): number {
  if (v < t) {
    const f = t > lo ? Math.max(0, (v - lo) / (t - lo)) : 1;
    return SPLIT_COOL[0] + (SPLIT_COOL[1] - SPLIT_COOL[0]) * f;
  }
  const f = hi > t ? Math.min(1, (v - t) / (hi - t)) : 1;
  return SPLIT_WARM[0] + (SPLIT_WARM[1] - SPLIT_WARM[0]) * f;
}

/** Colours `map` into `out` (RGBA) on the threshold scale: cool below `t`, warm from `t` on. */
export function colorizeSplit(
  map: Float32Array,
  lut: Uint8ClampedArray,
  lo: number,
  t: number,
  hi: number,
  out: Uint8ClampedArray,
): void {
  for (let i = 0, j = 0; i < map.length; i++, j += 4) {
    const k = Math.round(splitPosition(map[i], lo, t, hi) * 255) * 4;
    out[j] = lut[k];
    out[j + 1] = lut[k + 1];
    out[j + 2] = lut[k + 2];
    out[j + 3] = 255;
  }
}

/** CSS gradient of the threshold scale over [lo, hi] with a hard step at t (for the legend). */
export function splitGradient(name: ColormapName, lo: number, t: number, hi: number): string {
  const lut = colormapLut(name);
  const at = (p: number) => {
    const k = Math.round(p * 255) * 4;
    return `rgb(${lut[k]} ${lut[k + 1]} ${lut[k + 2]})`;
  };
  const tp = hi > lo ? Math.min(100, Math.max(0, ((t - lo) / (hi - lo)) * 100)) : 50;
  const stops: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const f = i / 4;
    stops.push(`${at(SPLIT_COOL[0] + (SPLIT_COOL[1] - SPLIT_COOL[0]) * f)} ${tp * f}%`);
  }
  for (let i = 0; i <= 4; i++) {
    const f = i / 4;
    stops.push(`${at(SPLIT_WARM[0] + (SPLIT_WARM[1] - SPLIT_WARM[0]) * f)} ${tp + (100 - tp) * f}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
