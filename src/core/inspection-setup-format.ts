/**
 * The inspection setup as stored data (a recipe's `roi`/`ignore`, a saved session): checked field by
 * field, so a damaged or hand-edited file gets a message that names the bad field.
 */
import { boxProblem, type DontCareArea, type InspectionSetup, type PixelRect } from './inspection-region';

/** A message naming `at` and what is wrong, or the parsed setup. */
export type SetupParse = { ok: true; setup: InspectionSetup } | { ok: false; message: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseBox(v: unknown, at: string): PixelRect | string {
  if (!isObj(v)) return `${at} must be an object {x, y, width, height}`;
  const box = { x: v.x, y: v.y, width: v.width, height: v.height };
  if (!Object.values(box).every((n) => typeof n === 'number'))
    return `${at} needs numbers x, y, width, height`;
  const problem = boxProblem(box as PixelRect);
  return problem ? `${at}: ${problem}` : (box as PixelRect);
}

function parseArea(v: unknown, at: string): DontCareArea | string {
  if (!isObj(v)) return `${at} must be an object`;
  if (v.kind === 'rect') {
    const box = parseBox(v.box, `${at}.box`);
    return typeof box === 'string' ? box : { kind: 'rect', box };
  }
  if (v.kind === 'polygon') {
    const pts = v.points;
    const isPoint = (p: unknown) =>
      Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!Array.isArray(pts) || !pts.every(isPoint))
      return `${at}.points must be a list of [x, y] pairs of numbers`;
    if (pts.length < 3)
      return `${at}.points has ${pts.length} point${pts.length === 1 ? '' : 's'}; a polygon needs 3`;
    return { kind: 'polygon', points: pts.map((p) => [p[0], p[1]] as [number, number]) };
  }
  return `${at}.kind must be "rect" or "polygon", got ${JSON.stringify(v.kind)}`;
}

/** Reads `roi` (optional box) and `ignore` (optional list of areas) from `o`; `at` prefixes messages. */
export function parseInspectionSetup(o: Obj, at: string): SetupParse {
  const setup: { roi?: PixelRect; ignore: DontCareArea[] } = { ignore: [] };
  if (o.roi !== undefined && o.roi !== null) {
    const roi = parseBox(o.roi, `${at}roi`);
    if (typeof roi === 'string') return { ok: false, message: roi };
    setup.roi = roi;
  }
  if (o.ignore !== undefined && o.ignore !== null) {
    if (!Array.isArray(o.ignore)) return { ok: false, message: `${at}ignore must be a list` };
    for (const [i, v] of o.ignore.entries()) {
      const area = parseArea(v, `${at}ignore[${i}]`);
      if (typeof area === 'string') return { ok: false, message: area };
      setup.ignore.push(area);
    }
  }
  return { ok: true, setup };
}

/** True when nothing is set: the whole image is inspected, every pixel counts. */
export function isWholeImage(setup: InspectionSetup): boolean {
  return !setup.roi && setup.ignore.length === 0;
}

/** One line for a setup ("ROI 10,20,300×200 · 2 don't-care areas"), for notices and titles. */
export function describeSetup(setup: InspectionSetup): string {
  const roi = setup.roi
    ? `ROI ${setup.roi.x},${setup.roi.y} ${setup.roi.width}×${setup.roi.height}`
    : 'the whole image';
  const n = setup.ignore.length;
  return n === 0 ? roi : `${roi} · ${n} don't-care area${n === 1 ? '' : 's'}`;
}
