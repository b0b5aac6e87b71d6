/**
 * The inspection-region editor of the detail view: draw the ROI and don't-care rectangles and polygons
 * on the image with the mouse, select, move and resize them, and with the keyboard (Tab selects, arrows
 * nudge by 1 px, Shift by 10, Delete, Enter closes a polygon, Escape cancels it, Ctrl+Z / Ctrl+Shift+Z).
 * Edits are a draft (src/core/region-editing) until "Apply to gallery" re-scores with them.
 */
import { useEffect, useRef, useState } from 'react';
import { roiProblem } from '../../../core/inspection-region';
import { describeSetup } from '../../../core/inspection-setup-format';
import * as E from '../../../core/region-editing';
import { applyInspectionSetup } from '../../services/inspection-setup-service';
import { useInspectionSetup } from '../../state/inspection-setup';
import type { InspectedImage } from '../../state/types';
import { RegionShapes } from './RegionShapes';

export type Tool = 'select' | 'roi' | 'rect' | 'polygon';

export const REGION_EXPLANATION =
  "Only the region is scored; don't-care areas are left out of the map, the regions and the few-shot score. " +
  "The zero-shot score comes from the whole (cropped) image's embedding.";

export interface RegionEditorControl {
  state: E.EditorState;
  update: (f: (s: E.EditorState) => E.EditorState) => void;
  tool: Tool;
  setTool: (t: Tool) => void;
  /** The draft differs from the applied setup. */
  dirty: boolean;
  applying: boolean;
  apply: () => void;
  revert: () => void;
}

/** The draft of one image's editor; its size follows the image shown (the setup is the session's). */
export function useRegionEditor(image: InspectedImage): RegionEditorControl {
  const applied = useInspectionSetup((s) => s.setup);
  const applying = useInspectionSetup((s) => s.applying);
  const width = image.width ?? 1;
  const height = image.height ?? 1;
  const [state, setState] = useState(() => E.startEditing(applied, width, height));
  const [tool, setTool] = useState<Tool>(applied.roi ? 'select' : 'roi');
  useEffect(() => setState((s) => ({ ...s, width, height })), [width, height]);
  // A setup put in place elsewhere (a recipe, another session) replaces the draft.
  useEffect(
    () => setState((s) => (E.sameSetup(s.setup, applied) ? s : E.startEditing(applied, s.width, s.height))),
    [applied],
  );
  return {
    state,
    update: (f) => setState((s) => f(s)),
    tool,
    setTool: (t) => {
      setState((s) => E.cancelDraft(s));
      setTool(t);
    },
    dirty: !E.sameSetup(state.setup, applied),
    applying,
    apply: () => void applyInspectionSetup(state.setup),
    revert: () => setState(E.startEditing(applied, width, height)),
  };
}

type Drag =
  | { kind: 'draw'; from: E.Point }
  | { kind: 'move'; start: E.EditorState; from: E.Point }
  | { kind: 'resize'; start: E.EditorState; anchor: E.Point };

/** Keys of the editor; true when the key was used (then the detail view's own shortcuts skip it). */
function onEditorKey(ctl: RegionEditorControl, e: React.KeyboardEvent): boolean {
  const s = ctl.state;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && (e.key === 'z' || e.key === 'Z')) ctl.update(e.shiftKey ? E.redo : E.undo);
  else if (mod && (e.key === 'y' || e.key === 'Y')) ctl.update(E.redo);
  else if (e.key === 'Tab') {
    // Past the last shape (or before the first) focus leaves the image: no keyboard trap.
    const next = E.selectNext(s, e.shiftKey, false);
    ctl.update(() => next);
    if (!next.selected) return false;
  } else if (e.key.startsWith('Arrow')) ctl.update((x) => E.nudge(x, e.key, e.shiftKey));
  else if (e.key === 'Delete' || e.key === 'Backspace') ctl.update(E.deleteSelected);
  else if (e.key === 'Enter' && s.draft) ctl.update(E.closePolygon);
  // Escape cancels a polygon, else the selection; it never closes the detail view under an edit.
  else if (e.key === 'Escape') ctl.update((x) => (x.draft ? E.cancelDraft(x) : E.select(x, null)));
  else return false;
  return true;
}

/** The editing surface over the stage: pointer drawing and the editor's keys. */
export function RegionCanvas({ ctl, pxPerScreen }: { ctl: RegionEditorControl; pxPerScreen: number }) {
  const { state, tool } = ctl;
  const svgBox = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | null>(null);
  const [cursor, setCursor] = useState<E.Point | null>(null);

  const toImage = (e: React.PointerEvent): E.Point => {
    const r = svgBox.current!.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * state.width, ((e.clientY - r.top) / r.height) * state.height];
  };

  const onDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    const p = toImage(e);
    svgBox.current?.setPointerCapture(e.pointerId);
    svgBox.current?.focus();
    if (tool === 'roi' || tool === 'rect') drag.current = { kind: 'draw', from: p };
    else if (tool === 'polygon') ctl.update((s) => E.addPolygonPoint(s, p));
    else {
      const anchor = E.roiAnchorAt(state, p, 8 * pxPerScreen);
      const hit = anchor ? ({ kind: 'roi' } as const) : E.shapeAt(state, p);
      const start = E.select(state, hit);
      ctl.update(() => start);
      if (anchor) drag.current = { kind: 'resize', start, anchor };
      else if (hit) drag.current = { kind: 'move', start, from: p };
    }
  };
  const onMove = (e: React.PointerEvent) => {
    const p = toImage(e);
    setCursor(p);
    const d = drag.current;
    if (d?.kind === 'move') ctl.update(() => E.moveSelected(d.start, p[0] - d.from[0], p[1] - d.from[1]));
    else if (d?.kind === 'resize') ctl.update(() => E.setRoi(d.start, d.anchor, p));
  };
  const onUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d?.kind !== 'draw') return;
    const p = toImage(e);
    ctl.update((s) => (tool === 'roi' ? E.setRoi(s, d.from, p) : E.addRect(s, d.from, p)));
    // After the region, the next thing drawn is most often a don't-care area.
    if (tool === 'roi') ctl.setTool('rect');
  };

  const d = drag.current;
  const drawing = d?.kind === 'draw' && cursor;
  const bounds =
    tool === 'roi' ? { x: 0, y: 0, width: state.width, height: state.height } : E.areaBounds(state);
  const box = drawing ? E.boxBetween(d.from, cursor, bounds) : null;
  const preview = box
    ? { box, kind: tool === 'roi' ? ('roi' as const) : ('area' as const) }
    : state.draft && cursor
      ? { cursor: E.clampPoint(cursor, E.areaBounds(state)), kind: 'area' as const }
      : null;

  return (
    <div
      ref={svgBox}
      className={`region-canvas tool-${tool}`}
      role="application"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a drawing surface that takes its own keys
      tabIndex={0}
      aria-label="Inspection region editor: Tab selects shapes, arrows move them (Shift: 10 px), Delete removes, Enter closes a polygon, Escape cancels it, Ctrl+Z undoes"
      data-testid="region-canvas"
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerLeave={() => setCursor(null)}
      onKeyDown={(e) => {
        if (onEditorKey(ctl, e)) {
          e.preventDefault();
          e.stopPropagation();
          e.nativeEvent.preventDefault();
        }
      }}
    >
      <RegionShapes
        setup={state.setup}
        width={state.width}
        height={state.height}
        pxPerScreen={pxPerScreen}
        selected={state.selected}
        draft={state.draft}
        preview={preview}
        showHandles={tool === 'select'}
      />
    </div>
  );
}

const TOOLS: { value: Tool; label: string; title: string }[] = [
  { value: 'roi', label: 'Region', title: 'Drag a rectangle: the inspection region (only it is scored)' },
  {
    value: 'rect',
    label: "Don't-care ▭",
    title: "Drag a rectangle inside the region whose pixels don't count",
  },
  {
    value: 'polygon',
    label: "Don't-care ⬠",
    title: 'Click points; click the first point or press Enter to close, Escape to cancel',
  },
  {
    value: 'select',
    label: 'Select / move',
    title: 'Click a shape to select it; drag to move; drag a region corner to resize',
  },
];

/** The editor's tools, history, the setup in words, and applying it to the gallery. */
export function RegionPanel({
  ctl,
  image,
  onDone,
}: {
  ctl: RegionEditorControl;
  image: InspectedImage;
  onDone: () => void;
}) {
  const { state } = ctl;
  const problem = state.setup.roi ? roiProblem(state.setup.roi, state.width, state.height) : null;
  const sel = state.selected;
  return (
    <section className="region-panel" aria-label="Inspection region" data-testid="region-panel">
      <h3>Inspection region</h3>
      <p className="muted small" data-testid="region-explanation">
        {REGION_EXPLANATION}
      </p>
      <fieldset className="region-tools" aria-label="Drawing tool">
        {TOOLS.map((t) => (
          <button
            key={t.value}
            type="button"
            className={`btn btn-small${ctl.tool === t.value ? ' on' : ''}`}
            aria-pressed={ctl.tool === t.value}
            title={t.title}
            onClick={() => ctl.setTool(t.value)}
          >
            {t.label}
          </button>
        ))}
      </fieldset>
      <div className="region-history">
        <button
          type="button"
          className="btn btn-small"
          disabled={!E.canUndo(state)}
          onClick={() => ctl.update(E.undo)}
          title="Undo (Ctrl+Z)"
        >
          ↶ Undo
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!E.canRedo(state)}
          onClick={() => ctl.update(E.redo)}
          title="Redo (Ctrl+Shift+Z)"
        >
          ↷ Redo
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!sel}
          onClick={() => ctl.update(E.deleteSelected)}
          title="Delete the selected shape (Delete)"
        >
          Delete
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={!state.setup.roi && state.setup.ignore.length === 0}
          onClick={() => ctl.update(E.clearAll)}
          title="Inspect the whole image again (undoable)"
        >
          Clear
        </button>
      </div>
      <p className="mono small" data-testid="region-summary">
        {describeSetup(state.setup)}
        {state.draft ? ` · polygon: ${state.draft.length} point${state.draft.length === 1 ? '' : 's'}` : ''}
      </p>
      {sel && (
        <p className="muted small" data-testid="region-selection">
          Selected: {sel.kind === 'roi' ? 'the region' : `don't-care area ${sel.index + 1}`} — arrows move it
          (Shift: 10 px)
        </p>
      )}
      {problem && (
        <p className="field-error" data-testid="region-problem">
          {problem} ({image.name} would not be scored).
        </p>
      )}
      <div className="region-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!ctl.dirty || ctl.applying || state.draft !== null}
          onClick={ctl.apply}
          title="Score the whole gallery (and the references) with this region"
          data-testid="region-apply"
        >
          {ctl.applying ? 'Applying…' : 'Apply to gallery'}
        </button>
        <button type="button" className="btn" disabled={!ctl.dirty} onClick={ctl.revert}>
          Revert
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Close editor
        </button>
      </div>
      {ctl.dirty && !ctl.applying && (
        <p className="muted small">Not applied yet: scores still use the previous region.</p>
      )}
    </section>
  );
}
