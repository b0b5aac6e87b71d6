import { describe, expect, it } from 'vitest';
import {
  addPolygonPoint,
  addRect,
  BIG_NUDGE,
  boxBetween,
  cancelDraft,
  canRedo,
  canUndo,
  clearAll,
  closePolygon,
  deleteSelected,
  type EditorState,
  insidePolygon,
  moveSelected,
  nudge,
  redo,
  roiAnchorAt,
  sameRoi,
  sameSetup,
  select,
  selectNext,
  setRoi,
  shapeAt,
  startEditing,
  undo,
} from './region-editing';

const fresh = (): EditorState => startEditing({ ignore: [] }, 100, 80);

describe('region editing', () => {
  it('draws the ROI from any two corners, in whole pixels, cut to the image', () => {
    const s = setRoi(fresh(), [90.6, 70.2], [-5, 10.4]);
    expect(s.setup.roi).toEqual({ x: 0, y: 10, width: 91, height: 60 });
    expect(s.selected).toEqual({ kind: 'roi' });
    expect(canUndo(s)).toBe(true);
  });

  it('ignores a box of no area', () => {
    const s = fresh();
    expect(setRoi(s, [10, 10], [10.2, 40])).toBe(s);
    expect(boxBetween([5, 5], [5, 9], { x: 0, y: 0, width: 10, height: 10 })).toBeNull();
  });

  it("cuts don't-care rectangles to the ROI", () => {
    let s = setRoi(fresh(), [10, 10], [60, 50]);
    s = addRect(s, [0, 0], [20, 30]);
    expect(s.setup.ignore).toEqual([{ kind: 'rect', box: { x: 10, y: 10, width: 10, height: 20 } }]);
    expect(s.selected).toEqual({ kind: 'area', index: 0 });
    // Entirely outside the ROI: nothing is added.
    expect(addRect(s, [70, 60], [90, 75])).toBe(s);
  });

  it('closes a polygon on its first point or with Enter, and Escape drops it', () => {
    let s = fresh();
    for (const p of [
      [10, 10],
      [40, 10],
      [40, 40],
    ] as [number, number][])
      s = addPolygonPoint(s, p);
    expect(s.draft).toHaveLength(3);
    // A click within CLOSE_DISTANCE of the first point closes it.
    const closed = addPolygonPoint(s, [12, 13]);
    expect(closed.draft).toBeNull();
    expect(closed.setup.ignore).toEqual([
      {
        kind: 'polygon',
        points: [
          [10, 10],
          [40, 10],
          [40, 40],
        ],
      },
    ]);
    expect(closePolygon(s).setup).toEqual(closed.setup);
    expect(cancelDraft(s).draft).toBeNull();
    expect(cancelDraft(s).setup.ignore).toEqual([]);
    // Two points are not a polygon: Enter drops them.
    const two = addPolygonPoint(addPolygonPoint(fresh(), [1, 1]), [5, 5]);
    expect(closePolygon(two).setup.ignore).toEqual([]);
  });

  it('clamps polygon points to the ROI', () => {
    let s = setRoi(fresh(), [20, 20], [50, 50]);
    s = addPolygonPoint(s, [0, 0]);
    s = addPolygonPoint(s, [99, 30.4]);
    expect(s.draft).toEqual([
      [20, 20],
      [50, 30],
    ]);
  });

  it('nudges by 1 px, or 10 with Shift, and stops at the edges', () => {
    let s = setRoi(fresh(), [10, 10], [30, 20]);
    s = nudge(s, 'ArrowRight', false);
    expect(s.setup.roi).toEqual({ x: 11, y: 10, width: 20, height: 10 });
    s = nudge(s, 'ArrowDown', true);
    expect(s.setup.roi?.y).toBe(10 + BIG_NUDGE);
    // The image is 100 wide: the ROI (20 wide) stops at x = 80.
    s = moveSelected(s, 500, 0);
    expect(s.setup.roi?.x).toBe(80);
    const still = moveSelected(s, 5, 0);
    expect(still).toBe(s);
    expect(nudge(s, 'a', false)).toBe(s);
  });

  it('keeps a moved area inside the ROI, polygons by their bounding box', () => {
    let s = setRoi(fresh(), [10, 10], [60, 50]);
    s = addRect(s, [20, 20], [30, 30]);
    s = moveSelected(s, -100, 100);
    expect(s.setup.ignore[0]).toEqual({ kind: 'rect', box: { x: 10, y: 40, width: 10, height: 10 } });
    s = closePolygon(addPolygonPoint(addPolygonPoint(addPolygonPoint(s, [30, 20]), [40, 20]), [35, 30]));
    s = moveSelected(s, 100, 0);
    expect(s.setup.ignore[1]).toEqual({
      kind: 'polygon',
      points: [
        [50, 20],
        [60, 20],
        [55, 30],
      ],
    });
  });

  it('tabs through the ROI and the areas, both ways, wrapping', () => {
    let s = addRect(setRoi(fresh(), [0, 0], [50, 50]), [1, 1], [5, 5]);
    s = addRect(s, [10, 10], [20, 20]);
    s = select(s, null);
    s = selectNext(s);
    expect(s.selected).toEqual({ kind: 'roi' });
    s = selectNext(s);
    expect(s.selected).toEqual({ kind: 'area', index: 0 });
    s = selectNext(selectNext(s));
    expect(s.selected).toEqual({ kind: 'roi' });
    s = selectNext(s, true);
    expect(s.selected).toEqual({ kind: 'area', index: 1 });
    // Without wrapping, stepping past either end selects nothing.
    expect(selectNext(s, false, false).selected).toBeNull();
    expect(selectNext(selectNext(s), true, false).selected).toBeNull();
    expect(selectNext(selectNext(s, false, false), false, false).selected).toEqual({ kind: 'roi' });
  });

  it('deletes the selection; deleting the ROI keeps the areas', () => {
    let s = addRect(setRoi(fresh(), [0, 0], [50, 50]), [1, 1], [5, 5]);
    s = deleteSelected(s);
    expect(s.setup.ignore).toEqual([]);
    s = deleteSelected(select(s, { kind: 'roi' }));
    expect(s.setup).toEqual({ ignore: [] });
    expect(deleteSelected(s)).toBe(s);
  });

  it('undoes and redoes every step, and a new edit drops the redo steps', () => {
    const s0 = fresh();
    const s1 = setRoi(s0, [0, 0], [50, 50]);
    const s2 = addRect(s1, [1, 1], [5, 5]);
    const s3 = nudge(s2, 'ArrowRight', false);
    let u = undo(undo(s3));
    expect(u.setup).toEqual(s1.setup);
    expect(canRedo(u)).toBe(true);
    u = redo(u);
    expect(u.setup).toEqual(s2.setup);
    u = undo(undo(u));
    expect(u.setup).toEqual(s0.setup);
    expect(canUndo(u)).toBe(false);
    expect(undo(u)).toBe(u);
    const branched = setRoi(redo(u), [10, 10], [20, 20]);
    expect(canRedo(branched)).toBe(false);
    expect(clearAll(branched).setup).toEqual({ ignore: [] });
    expect(undo(clearAll(branched)).setup).toEqual(branched.setup);
  });

  it('compares setups by value', () => {
    const a = { roi: { x: 1, y: 2, width: 3, height: 4 }, ignore: [] };
    expect(sameSetup(a, { roi: { x: 1, y: 2, width: 3, height: 4 }, ignore: [] })).toBe(true);
    expect(sameSetup(a, { ignore: [] })).toBe(false);
    expect(sameRoi(a, { ...a, ignore: [{ kind: 'rect', box: { x: 1, y: 2, width: 1, height: 1 } }] })).toBe(
      true,
    );
  });
});

describe('hit testing', () => {
  it('finds the top area first, then the ROI, with polygons by the even-odd rule', () => {
    let s = setRoi(fresh(), [0, 0], [60, 60]);
    s = addRect(s, [10, 10], [30, 30]);
    s = closePolygon(addPolygonPoint(addPolygonPoint(addPolygonPoint(s, [20, 20]), [50, 20]), [20, 50]));
    expect(shapeAt(s, [25, 25])).toEqual({ kind: 'area', index: 1 });
    expect(shapeAt(s, [12, 12])).toEqual({ kind: 'area', index: 0 });
    // Past the polygon's hypotenuse (x + y > 70) but inside the ROI.
    expect(shapeAt(s, [45, 45])).toEqual({ kind: 'roi' });
    expect(shapeAt(s, [80, 70])).toBeNull();
    expect(
      insidePolygon(
        [1, 1],
        [
          [0, 0],
          [4, 0],
          [0, 4],
        ],
      ),
    ).toBe(true);
    expect(
      insidePolygon(
        [3, 3],
        [
          [0, 0],
          [4, 0],
          [0, 4],
        ],
      ),
    ).toBe(false);
  });

  it('resizes the ROI about the corner opposite the one grabbed', () => {
    const s = setRoi(fresh(), [10, 20], [50, 60]);
    expect(roiAnchorAt(s, [49, 61], 3)).toEqual([10, 20]);
    expect(roiAnchorAt(s, [11, 58], 3)).toEqual([50, 20]);
    expect(roiAnchorAt(s, [30, 40], 3)).toBeNull();
    const anchor = roiAnchorAt(s, [50, 60], 3)!;
    expect(setRoi(s, anchor, [70, 75]).setup.roi).toEqual({ x: 10, y: 20, width: 60, height: 55 });
  });
});
