import { describe, expect, it } from 'vitest';
import type { DontCareArea } from '../core/inspection-region';
import { type Canvas2D, dimOutsideRoi, drawDontCareAreas, markLineWidth } from './region-marks';

/** A 2-D context that records what is drawn, with the style in force at each fill and stroke. */
function recorder() {
  const ops: string[] = [];
  const state = { fillStyle: '', strokeStyle: '', lineWidth: 0 };
  const log =
    (name: string) =>
    (...args: unknown[]) =>
      ops.push(`${name}(${args.join(',')})`);
  const ctx = {
    ...state,
    beginPath: log('beginPath'),
    closePath: log('closePath'),
    rect: log('rect'),
    moveTo: log('moveTo'),
    lineTo: log('lineTo'),
    save: log('save'),
    restore: log('restore'),
    clip: log('clip'),
    fill(rule: string) {
      ops.push(`fill(${rule}) ${this.fillStyle}`);
    },
    stroke() {
      ops.push(`stroke ${this.strokeStyle} ${this.lineWidth}`);
    },
    strokeRect(...args: number[]) {
      ops.push(`strokeRect(${args.join(',')}) ${this.strokeStyle} ${this.lineWidth}`);
    },
  };
  return { ctx: ctx as unknown as Canvas2D, ops };
}

describe('region marks', () => {
  it('grow the line with the canvas: 1 px up to 600 px wide', () => {
    expect([160, 599, 600, 800, 4000].map(markLineWidth)).toEqual([1, 1, 2, 2, 10]);
  });

  it('dim the frame outside the ROI (even-odd) and outline the ROI', () => {
    const { ctx, ops } = recorder();
    dimOutsideRoi(ctx, { x: 100, y: 50, width: 200, height: 100 }, 800, 600);
    expect(ops).toEqual([
      'beginPath()',
      'rect(0,0,800,600)',
      'rect(100,50,200,100)',
      'fill(evenodd) rgba(0, 0, 0, 0.55)',
      'strokeRect(100,50,200,100) #38bdf8 2',
    ]);
  });

  it('shade, hatch (45° lines every 8 line widths, clipped to the area) and outline a rectangle', () => {
    const { ctx, ops } = recorder();
    const area: DontCareArea = { kind: 'rect', box: { x: 0, y: 0, width: 16, height: 16 } };
    drawDontCareAreas(ctx, [area], 100);
    const path = ['beginPath()', 'rect(0,0,16,16)', 'closePath()'];
    // x + y = k for k = 0, 8, 16, 24, 32: from the top edge (y 0) to the bottom edge (y 16).
    const lines = [0, 8, 16, 24, 32].flatMap((k) => [`moveTo(${k},0)`, `lineTo(${k - 16},16)`]);
    expect(ops).toEqual([
      ...path,
      'fill(evenodd) rgba(0, 0, 0, 0.35)',
      'save()',
      'clip(evenodd)',
      'beginPath()',
      ...lines,
      'stroke rgba(250, 204, 21, 0.7) 1',
      'restore()',
      ...path,
      'stroke #facc15 1',
    ]);
  });

  it('map a polygon from frame pixels onto a thumbnail', () => {
    const { ctx, ops } = recorder();
    const area: DontCareArea = {
      kind: 'polygon',
      points: [
        [0, 0],
        [400, 0],
        [0, 400],
      ],
    };
    drawDontCareAreas(ctx, [area], 200, { x: 0.5, y: 0.25 });
    expect(ops.slice(0, 5)).toEqual([
      'beginPath()',
      'lineTo(0,0)',
      'lineTo(200,0)',
      'lineTo(0,100)',
      'closePath()',
    ]);
    // The hatching covers the scaled bounds, 200 × 100: k from 0 to 300 every 8 px.
    expect(ops.filter((op) => op.startsWith('moveTo'))).toHaveLength(Math.floor(300 / 8) + 1);
  });
});
