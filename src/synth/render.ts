/**
 * Procedural images for the synthetic benchmark: a textured object on a background, or a full-frame
 * texture, with planted defects (scratch, hole, stain) and their exact masks. Pure: RGB buffers in, out.
 */

export type Style = 'object' | 'texture';
export const DEFECT_TYPES = ['scratch', 'hole', 'stain'] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

export interface Canvas {
  size: number;
  /** RGB, row-major, 3 bytes per pixel. */
  rgb: Uint8Array;
}

/** Where defects may go: for objects, a disc inside the object; for textures, the frame minus a margin. */
export interface Region {
  cx: number;
  cy: number;
  radius: number;
}

type Rand = () => number;

const TEXTURE_WORDS = /carpet|fabric|grid|leather|tile|wood|textile|texture|cloth|weave/i;

export function styleFor(category: string): Style {
  return TEXTURE_WORDS.test(category) ? 'texture' : 'object';
}

/** Smooth noise in [0, 1]: a random cells×cells lattice, bilinearly interpolated. */
function valueNoise(size: number, cells: number, rand: Rand): Float32Array {
  const n = cells + 1;
  const lattice = Float32Array.from({ length: n * n }, () => rand());
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const fy = (y / size) * cells;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = (x / size) * cells;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const a = lattice[y0 * n + x0] * (1 - tx) + lattice[y0 * n + x0 + 1] * tx;
      const b = lattice[(y0 + 1) * n + x0] * (1 - tx) + lattice[(y0 + 1) * n + x0 + 1] * tx;
      out[y * size + x] = a * (1 - ty) + b * ty;
    }
  }
  return out;
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** A colour per category, stable across runs. */
export function baseColour(categoryHash: number): [number, number, number] {
  const h = (categoryHash % 360) / 60;
  const c = 150;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] =
    h < 1
      ? [c, x, 0]
      : h < 2
        ? [x, c, 0]
        : h < 3
          ? [0, c, x]
          : h < 4
            ? [0, x, c]
            : h < 5
              ? [x, 0, c]
              : [c, 0, x];
  return [r + 70, g + 70, b + 70];
}

/** A defect-free sample with small random nuisance variation (position, lighting, noise). */
export function renderNormal(
  style: Style,
  size: number,
  colour: [number, number, number],
  rand: Rand,
): { canvas: Canvas; region: Region } {
  const rgb = new Uint8Array(size * size * 3);
  const coarse = valueNoise(size, 6, rand);
  const light = 0.9 + 0.2 * rand();
  const gx = (rand() - 0.5) * 0.3;
  if (style === 'texture') {
    const period = size / (10 + rand() * 2);
    const phase = rand() * period;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        const weave =
          Math.sin((2 * Math.PI * (x + phase)) / period) * Math.sin((2 * Math.PI * (y + phase)) / period);
        const v =
          light *
          (0.75 + 0.15 * weave + 0.15 * (coarse[i] - 0.5) + 0.06 * (rand() - 0.5) + gx * (x / size - 0.5));
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = clampByte(colour[c] * v);
      }
    return { canvas: { size, rgb }, region: { cx: size / 2, cy: size / 2, radius: size * 0.45 } };
  }
  const cx = size * (0.5 + (rand() - 0.5) * 0.06);
  const cy = size * (0.5 + (rand() - 0.5) * 0.06);
  const radius = size * (0.34 + rand() * 0.02);
  const rings = 5 + rand();
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const r = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      // Anti-aliased rim: the coverage of the object ramps over one pixel.
      const cover = Math.min(1, Math.max(0, radius - r + 0.5));
      const bg = 55 + 25 * coarse[i] + 6 * (rand() - 0.5);
      const shade =
        light *
        (0.8 +
          0.12 * Math.cos((r / radius) * rings * Math.PI) +
          0.1 * (coarse[i] - 0.5) -
          0.25 * (r / radius) ** 2);
      for (let c = 0; c < 3; c++) {
        const obj = colour[c] * shade + 4 * (rand() - 0.5);
        rgb[i * 3 + c] = clampByte(bg * (1 - cover) + obj * cover);
      }
    }
  return { canvas: { size, rgb }, region: { cx, cy, radius: radius * 0.75 } };
}

/** A random point inside the region. */
function pointIn(region: Region, rand: Rand): [number, number] {
  const a = rand() * 2 * Math.PI;
  const d = Math.sqrt(rand()) * region.radius;
  return [region.cx + d * Math.cos(a), region.cy + d * Math.sin(a)];
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Paints one defect into the canvas (in place) and returns its mask (1 = defect). The mask is exactly
 * the set of pixels whose colour the defect changed (by pixel centre), so segmentation ground truth is exact.
 */
export function plantDefect(canvas: Canvas, region: Region, type: DefectType, rand: Rand): Uint8Array {
  const { size, rgb } = canvas;
  const mask = new Uint8Array(size * size);
  const paint = (i: number, rgbNew: [number, number, number], alpha: number) => {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = clampByte(rgb[i * 3 + c] * (1 - alpha) + rgbNew[c] * alpha);
    mask[i] = 1;
  };
  if (type === 'scratch') {
    const [ax, ay] = pointIn(region, rand);
    const angle = rand() * Math.PI;
    const len = size * (0.18 + rand() * 0.18);
    const bx = ax + len * Math.cos(angle);
    const by = ay + len * Math.sin(angle);
    const half = Math.max(0.75, size * (0.006 + rand() * 0.008));
    const bright = rand() < 0.5;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        if (distToSegment(x + 0.5, y + 0.5, ax, ay, bx, by) > half) continue;
        const v = bright ? 235 : 25;
        paint(y * size + x, [v, v, v], 0.85);
      }
  } else if (type === 'hole') {
    const [cx, cy] = pointIn(region, rand);
    const rx = size * (0.035 + rand() * 0.05);
    const ry = rx * (0.6 + rand() * 0.5);
    const rot = rand() * Math.PI;
    const cos = Math.cos(rot);
    const sin = Math.sin(rot);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const u = (dx * cos + dy * sin) / rx;
        const v = (-dx * sin + dy * cos) / ry;
        if (u * u + v * v > 1) continue;
        const depth = 10 + 20 * Math.sqrt(u * u + v * v);
        paint(y * size + x, [depth, depth * 0.9, depth * 0.8], 1);
      }
  } else {
    const [cx, cy] = pointIn(region, rand);
    const blobs = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => {
      const a = rand() * 2 * Math.PI;
      const d = rand() * size * 0.04;
      return { x: cx + d * Math.cos(a), y: cy + d * Math.sin(a), r: size * (0.025 + rand() * 0.03) };
    });
    const tint: [number, number, number] = [120 + 60 * rand(), 70 + 30 * rand(), 20 + 20 * rand()];
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        if (!blobs.some((b) => Math.hypot(x + 0.5 - b.x, y + 0.5 - b.y) <= b.r)) continue;
        paint(y * size + x, tint, 0.7);
      }
  }
  // A defect too small to cover a pixel centre still needs one pixel of ground truth: mark its seed.
  if (!mask.some((m) => m === 1)) {
    const i = Math.floor(region.cy) * size + Math.floor(region.cx);
    paint(i, [0, 0, 0], 1);
  }
  return mask;
}
