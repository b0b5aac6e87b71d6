/**
 * The inspection-region editor's model (pure): the ROI box and don't-care areas being edited on one
 * image, the selection, a polygon being drawn, and undo/redo. Every change returns a new state; shapes
 * are kept in whole image pixels, inside the image (areas inside the ROI when there is one), so what
 * the editor shows is exactly what scoring gets.
 */
import type { DontCareArea, InspectionSetup, PixelRect } from './inspection-region';

export type Point = [number, number];
export type Selection = { kind: 'roi' } | { kind: 'area'; index: number } | null;

export interface EditorState {
  /** The image's size: every shape stays inside it. */
  width: number;
  height: number;
  setup: InspectionSetup;
  selected: Selection;
  /** Points of a polygon being drawn (null: none). */
  draft: Point[] | null;
  past: InspectionSetup[];
  future: InspectionSetup[];
}

/** Undo steps kept; older ones are dropped. */
export const UNDO_DEPTH = 100;
/** A click this close (image pixels) to a polygon's first point closes it. */
export const CLOSE_DISTANCE = 6;
/** Arrow keys move by 1 px, with Shift by this many. */
export const BIG_NUDGE = 10;

export function startEditing(setup: InspectionSetup, width: number, height: number): EditorState {
  return { width, height, setup, selected: null, draft: null, past: [], future: [] };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The box the shapes of `s` must stay in: the ROI for areas (when set), else the whole image. */
export function areaBounds(s: EditorState): PixelRect {
  return s.setup.roi ?? { x: 0, y: 0, width: s.width, height: s.height };
}

/** The box spanned by two corner points, in whole pixels, cut to `bounds` (null when nothing is left). */
export function boxBetween(a: Point, b: Point, bounds: PixelRect): PixelRect | null {
  const x0 = clamp(Math.round(Math.min(a[0], b[0])), bounds.x, bounds.x + bounds.width);
  const y0 = clamp(Math.round(Math.min(a[1], b[1])), bounds.y, bounds.y + bounds.height);
  const x1 = clamp(Math.round(Math.max(a[0], b[0])), bounds.x, bounds.x + bounds.width);
  const y1 = clamp(Math.round(Math.max(a[1], b[1])), bounds.y, bounds.y + bounds.height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** A point in whole pixels inside `bounds` (a pixel edge may equal the far side). */
export function clampPoint(p: Point, bounds: PixelRect): Point {
  return [
    clamp(Math.round(p[0]), bounds.x, bounds.x + bounds.width),
    clamp(Math.round(p[1]), bounds.y, bounds.y + bounds.height),
  ];
}

/** Records `setup` as the new state, the old one as an undo step (the redo steps go). */
function commit(s: EditorState, setup: InspectionSetup, selected: Selection): EditorState {
  return {
    ...s,
    setup,
    selected,
    past: [...s.past, s.setup].slice(-UNDO_DEPTH),
    future: [],
  };
}

/** Sets (draws or resizes) the ROI to the box between two corners; a box of no area changes nothing. */
export function setRoi(s: EditorState, a: Point, b: Point): EditorState {
  const box = boxBetween(a, b, { x: 0, y: 0, width: s.width, height: s.height });
  if (!box) return s;
  return commit(s, { ...s.setup, roi: box }, { kind: 'roi' });
}

/** Adds a don't-care rectangle between two corners, cut to the ROI. */
export function addRect(s: EditorState, a: Point, b: Point): EditorState {
  const box = boxBetween(a, b, areaBounds(s));
  if (!box) return s;
  const ignore = [...s.setup.ignore, { kind: 'rect', box } as DontCareArea];
  return commit(s, { ...s.setup, ignore }, { kind: 'area', index: ignore.length - 1 });
}

/**
 * Adds a point to the polygon being drawn (starting one if none); a click near its first point closes
 * it once it has three points.
 */
export function addPolygonPoint(s: EditorState, p: Point): EditorState {
  const point = clampPoint(p, areaBounds(s));
  const draft = s.draft ?? [];
  if (draft.length >= 3) {
    const [fx, fy] = draft[0];
    if (Math.hypot(point[0] - fx, point[1] - fy) <= CLOSE_DISTANCE) return closePolygon(s);
  }
  const last = draft[draft.length - 1];
  if (last && last[0] === point[0] && last[1] === point[1]) return s;
  return { ...s, draft: [...draft, point], selected: null };
}

/** Ends the polygon being drawn (Enter): kept when it has three points or more, else dropped. */
export function closePolygon(s: EditorState): EditorState {
  const draft = s.draft;
  if (!draft || draft.length < 3) return { ...s, draft: null };
  const ignore = [...s.setup.ignore, { kind: 'polygon', points: draft } as DontCareArea];
  return { ...commit(s, { ...s.setup, ignore }, { kind: 'area', index: ignore.length - 1 }), draft: null };
}

/** Drops the polygon being drawn (Escape). */
export function cancelDraft(s: EditorState): EditorState {
  return s.draft ? { ...s, draft: null } : s;
}

export function select(s: EditorState, selected: Selection): EditorState {
  return { ...s, selected };
}

/** Everything selectable, in Tab order: the ROI first, then the areas as drawn. */
function selectables(s: EditorState): Selection[] {
  const list: Selection[] = s.setup.roi ? [{ kind: 'roi' }] : [];
  for (let i = 0; i < s.setup.ignore.length; i++) list.push({ kind: 'area', index: i });
  return list;
}

const sameSelection = (a: Selection, b: Selection) =>
  a?.kind === b?.kind && (a?.kind !== 'area' || (b?.kind === 'area' && a.index === b.index));

/**
 * Selects the next (or previous) shape; with none selected, the first (or last). Past the end it wraps
 * around, or with `wrap` false selects nothing (keyboard focus may then leave the editor).
 */
export function selectNext(s: EditorState, backwards = false, wrap = true): EditorState {
  const list = selectables(s);
  if (list.length === 0) return s.selected ? select(s, null) : s;
  const at = list.findIndex((x) => sameSelection(x, s.selected));
  if (at < 0) return select(s, list[backwards ? list.length - 1 : 0]);
  const next = at + (backwards ? -1 : 1);
  if (next < 0 || next >= list.length)
    return select(s, wrap ? list[(next + list.length) % list.length] : null);
  return select(s, list[next]);
}

/** The bounding box of a don't-care area. */
export function areaBox(area: DontCareArea): PixelRect {
  if (area.kind === 'rect') return area.box;
  const xs = area.points.map((p) => p[0]);
  const ys = area.points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** The shift that keeps `box` moved by (dx, dy) inside `bounds`. */
function keptShift(box: PixelRect, dx: number, dy: number, bounds: PixelRect): Point {
  const x = clamp(box.x + Math.round(dx), bounds.x, bounds.x + bounds.width - box.width);
  const y = clamp(box.y + Math.round(dy), bounds.y, bounds.y + bounds.height - box.height);
  return [x - box.x, y - box.y];
}

function movedArea(area: DontCareArea, dx: number, dy: number): DontCareArea {
  if (area.kind === 'rect')
    return { kind: 'rect', box: { ...area.box, x: area.box.x + dx, y: area.box.y + dy } };
  return { kind: 'polygon', points: area.points.map(([x, y]) => [x + dx, y + dy] as Point) };
}

/**
 * Moves the selected shape by (dx, dy) image pixels, stopped at the image's edge (an area at the ROI's);
 * one undo step. Moving the ROI leaves the areas where they are on the part.
 */
export function moveSelected(s: EditorState, dx: number, dy: number): EditorState {
  const sel = s.selected;
  if (!sel) return s;
  if (sel.kind === 'roi') {
    const roi = s.setup.roi;
    if (!roi) return s;
    const [mx, my] = keptShift(roi, dx, dy, { x: 0, y: 0, width: s.width, height: s.height });
    if (mx === 0 && my === 0) return s;
    return commit(s, { ...s.setup, roi: { ...roi, x: roi.x + mx, y: roi.y + my } }, sel);
  }
  const area = s.setup.ignore[sel.index];
  if (!area) return s;
  const [mx, my] = keptShift(areaBox(area), dx, dy, areaBounds(s));
  if (mx === 0 && my === 0) return s;
  const ignore = s.setup.ignore.map((a, i) => (i === sel.index ? movedArea(a, mx, my) : a));
  return commit(s, { ...s.setup, ignore }, sel);
}

const ARROWS: Record<string, Point> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** Moves the selection for an arrow key (1 px, Shift: BIG_NUDGE px); other keys change nothing. */
export function nudge(s: EditorState, key: string, shift: boolean): EditorState {
  const d = ARROWS[key];
  if (!d) return s;
  const step = shift ? BIG_NUDGE : 1;
  return moveSelected(s, d[0] * step, d[1] * step);
}

/** Deletes the selected shape (the ROI: the whole image is inspected again). */
export function deleteSelected(s: EditorState): EditorState {
  const sel = s.selected;
  if (!sel) return s;
  if (sel.kind === 'roi') {
    if (!s.setup.roi) return s;
    return commit(s, { ignore: s.setup.ignore }, null);
  }
  if (!s.setup.ignore[sel.index]) return s;
  return commit(s, { ...s.setup, ignore: s.setup.ignore.filter((_, i) => i !== sel.index) }, null);
}

/** Removes the ROI and every area; one undo step. */
export function clearAll(s: EditorState): EditorState {
  if (!s.setup.roi && s.setup.ignore.length === 0) return s;
  return commit(s, { ignore: [] }, null);
}

export const canUndo = (s: EditorState) => s.past.length > 0;
export const canRedo = (s: EditorState) => s.future.length > 0;

export function undo(s: EditorState): EditorState {
  const prev = s.past[s.past.length - 1];
  if (!prev) return s;
  return {
    ...s,
    setup: prev,
    past: s.past.slice(0, -1),
    future: [s.setup, ...s.future],
    selected: null,
    draft: null,
  };
}

export function redo(s: EditorState): EditorState {
  const next = s.future[0];
  if (!next) return s;
  return {
    ...s,
    setup: next,
    past: [...s.past, s.setup],
    future: s.future.slice(1),
    selected: null,
    draft: null,
  };
}

/** True when two setups describe the same region and areas (what decides whether scoring must run again). */
export function sameSetup(a: InspectionSetup, b: InspectionSetup): boolean {
  return (
    JSON.stringify({ roi: a.roi ?? null, ignore: a.ignore }) ===
    JSON.stringify({ roi: b.roi ?? null, ignore: b.ignore })
  );
}

export function sameRoi(a: InspectionSetup, b: InspectionSetup): boolean {
  return JSON.stringify(a.roi ?? null) === JSON.stringify(b.roi ?? null);
}

/** Even-odd point-in-polygon (the ray-crossing rule). */
export function insidePolygon(p: Point, points: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const inBox = (p: Point, b: PixelRect) =>
  p[0] >= b.x && p[0] <= b.x + b.width && p[1] >= b.y && p[1] <= b.y + b.height;

/** The shape under `p`: the last-drawn area first (it is drawn on top), then the ROI; null for none. */
export function shapeAt(s: EditorState, p: Point): Selection {
  for (let i = s.setup.ignore.length - 1; i >= 0; i--) {
    const a = s.setup.ignore[i];
    if (a.kind === 'rect' ? inBox(p, a.box) : insidePolygon(p, a.points)) return { kind: 'area', index: i };
  }
  return s.setup.roi && inBox(p, s.setup.roi) ? { kind: 'roi' } : null;
}

/**
 * When `p` is within `tolerance` of one of the ROI's corners, the opposite corner (dragging the corner
 * resizes the ROI about it); else null.
 */
export function roiAnchorAt(s: EditorState, p: Point, tolerance: number): Point | null {
  const r = s.setup.roi;
  if (!r) return null;
  const xs = [r.x, r.x + r.width];
  const ys = [r.y, r.y + r.height];
  for (const i of [0, 1])
    for (const j of [0, 1])
      if (Math.abs(p[0] - xs[i]) <= tolerance && Math.abs(p[1] - ys[j]) <= tolerance)
        return [xs[1 - i], ys[1 - j]];
  return null;
}
