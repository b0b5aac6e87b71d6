/**
 * Detail of one image: the photo at full resolution with the heatmap (opacity, colormap, show/hide)
 * and the outline of regions above the pixel threshold, rendered in the worker. Keys: ←/→ previous/next,
 * Esc back, H heatmap, O outline, Z zoom.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DetailRender } from '../../../../workers/protocol';
import { errorText, isAbortError } from '../../../core/errors';
import type { ColormapName } from '../../../render/colormap';
import { COLORMAPS, colormapGradient } from '../../../render/colormap';
import { formatScore, useElementSize, useObjectUrl } from '../../hooks';
import { renderDetail } from '../../services/detail-service';
import { exportOverlay } from '../../services/export-service';
import { removeImages } from '../../services/inspection-service';
import { rangeFor, verdictOf, visibleImages } from '../../state/selectors';
import { patchSettings, patchUi, useApp } from '../../state/store';
import type { InspectedImage, RangeMode } from '../../state/types';
import { Segmented } from '../common/Segmented';

interface Rendered {
  width: number;
  height: number;
  maxPixel: number;
  areaAbove: number;
  regions: number;
}

function paint(canvas: HTMLCanvasElement | null, bitmap: ImageBitmap): void {
  if (!canvas) {
    bitmap.close();
    return;
  }
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('bitmaprenderer');
  if (ctx) ctx.transferFromImageBitmap(bitmap);
  else bitmap.close();
}

/** Asks the worker for the heatmap and outline whenever what they depend on changes (latest wins). */
function useDetailRender(
  image: InspectedImage,
  colormap: ColormapName,
  range: [number, number],
  pixelThreshold: number,
  heatRef: React.RefObject<HTMLCanvasElement | null>,
  outlineRef: React.RefObject<HTMLCanvasElement | null>,
) {
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lo, hi] = range;
  useEffect(() => {
    if (!image.result) return;
    const abort = new AbortController();
    const t = setTimeout(() => {
      renderDetail(abort.signal, image.id, { colormap, range: [lo, hi], pixelThreshold })
        .then((r: DetailRender) => {
          if (abort.signal.aborted) {
            r.heatmap.close();
            r.outline.close();
            return;
          }
          paint(heatRef.current, r.heatmap);
          paint(outlineRef.current, r.outline);
          setRendered({
            width: r.width,
            height: r.height,
            maxPixel: r.maxPixel,
            areaAbove: r.areaAbove,
            regions: r.regions,
          });
          setError(null);
        })
        .catch((err: unknown) => {
          if (!isAbortError(err)) setError(errorText(err));
        });
    }, 40);
    return () => {
      clearTimeout(t);
      abort.abort();
    };
  }, [image.id, image.result, colormap, lo, hi, pixelThreshold, heatRef, outlineRef]);
  return { rendered, error };
}

export function DetailView({ image }: { image: InspectedImage }) {
  const { settings, thresholds, images, sort, filter } = useApp(
    useShallow((s) => ({
      settings: s.settings,
      thresholds: s.thresholds,
      images: s.images,
      sort: s.ui.sort,
      filter: s.ui.filter,
    })),
  );
  const [zoom, setZoom] = useState<'fit' | 'full'>('fit');
  const url = useObjectUrl(image.file);
  const heatRef = useRef<HTMLCanvasElement>(null);
  const outlineRef = useRef<HTMLCanvasElement>(null);
  const [stageRef, stage] = useElementSize<HTMLDivElement>();
  const range = rangeFor(settings.rangeMode, image, images);
  const { rendered, error } = useDetailRender(
    image,
    settings.colormap,
    range,
    thresholds.pixel,
    heatRef,
    outlineRef,
  );

  const list = visibleImages(images, sort, filter, thresholds.image);
  const index = list.findIndex((im) => im.id === image.id);
  const go = (delta: number) => {
    const next = list[index + delta];
    if (next) patchUi({ selectedId: next.id });
  };
  const close = () => patchUi({ detailOpen: false });

  // Shortcuts work while the detail is open, wherever focus is (except in form fields).
  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  onKey.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
    if (e.key === 'ArrowRight') go(1);
    else if (e.key === 'ArrowLeft') go(-1);
    else if (e.key === 'Escape') close();
    else if (e.key === 'h' || e.key === 'H') patchSettings({ showHeatmap: !settings.showHeatmap });
    else if (e.key === 'o' || e.key === 'O') patchSettings({ showOutline: !settings.showOutline });
    else if (e.key === 'z' || e.key === 'Z') setZoom(zoom === 'fit' ? 'full' : 'fit');
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    const handler = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, []);

  const w = image.width ?? 1;
  const h = image.height ?? 1;
  const scale =
    zoom === 'fit' ? Math.min(stage.width / w, stage.height / h) || 0 : 1 / window.devicePixelRatio;
  const box = { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)) };
  const verdict = image.result ? verdictOf(image.result.score, thresholds.image) : null;

  return (
    <section className="detail" aria-label={`Detail of ${image.name}`} data-testid="detail-view">
      <div className="detail-head">
        <button type="button" className="btn btn-small" onClick={close} aria-label="Back to gallery (Esc)">
          ← Gallery
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={index <= 0}
          onClick={() => go(-1)}
          aria-label="Previous image"
        >
          ‹
        </button>
        <span className="mono small">
          {index + 1} / {list.length}
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={index < 0 || index >= list.length - 1}
          onClick={() => go(1)}
          aria-label="Next image"
        >
          ›
        </button>
        <h2 className="detail-title" title={image.name}>
          {image.name}
        </h2>
        {verdict && (
          <span className={`pill pill-${verdict.toLowerCase()}`} data-testid="detail-verdict">
            {verdict}
          </span>
        )}
        {image.result && (
          <span className="detail-score mono" data-testid="detail-score">
            {formatScore(image.result.score)}
          </span>
        )}
        <div className="spacer" />
        <Segmented<'fit' | 'full'>
          label="Zoom"
          value={zoom}
          options={[
            { value: 'fit', label: 'Fit' },
            { value: 'full', label: '100%' },
          ]}
          onChange={setZoom}
        />
      </div>
      <div className="detail-body">
        <div ref={stageRef} className={`stage zoom-${zoom}`}>
          <div className="stage-box" style={box} data-testid="detail-stage">
            {url && <img src={url} alt={image.name} draggable={false} />}
            <canvas
              ref={heatRef}
              className="layer"
              style={{ opacity: settings.showHeatmap ? settings.heatmapOpacity : 0 }}
              data-testid="detail-heatmap"
            />
            <canvas
              ref={outlineRef}
              className="layer"
              style={{ opacity: settings.showOutline ? 1 : 0 }}
              data-testid="detail-outline"
            />
          </div>
          {image.status !== 'done' && <div className="stage-note">{image.error ?? 'Not scored yet.'}</div>}
        </div>
        <aside className="detail-side" aria-label="Result and display">
          <dl className="kv">
            <dt>Score</dt>
            <dd className="mono">{image.result ? formatScore(image.result.score) : '–'}</dd>
            <dt>Verdict</dt>
            <dd>{verdict ?? '–'}</dd>
            <dt>Mode</dt>
            <dd>
              {image.result
                ? image.result.mode === 'few-shot'
                  ? 'Few-shot (WinCLIP+)'
                  : 'Zero-shot (WinCLIP)'
                : '–'}
            </dd>
            <dt>Size</dt>
            <dd>
              {image.width ?? '?'} × {image.height ?? '?'} px
              {image.tiles && image.tiles > 1 ? ` · ${image.tiles} tiles` : ''}
            </dd>
            <dt>Max pixel</dt>
            <dd className="mono" data-testid="detail-max-pixel">
              {rendered ? formatScore(rendered.maxPixel) : '–'}
            </dd>
            <dt>Above pixel thr.</dt>
            <dd className="mono" data-testid="detail-area">
              {rendered
                ? `${(rendered.areaAbove * 100).toFixed(2)}% · ${rendered.regions} region${rendered.regions === 1 ? '' : 's'}`
                : '–'}
            </dd>
          </dl>
          {error && <p className="field-error">{error}</p>}
          <div className="display-controls">
            <label className="check">
              <input
                type="checkbox"
                checked={settings.showHeatmap}
                onChange={(e) => patchSettings({ showHeatmap: e.target.checked })}
              />
              Heatmap <kbd>H</kbd>
            </label>
            <label className="field-inline">
              Opacity
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={settings.heatmapOpacity}
                aria-label="Heatmap opacity"
                onChange={(e) => patchSettings({ heatmapOpacity: Number(e.target.value) })}
              />
            </label>
            <label className="field-inline">
              Colormap
              <select
                value={settings.colormap}
                onChange={(e) => patchSettings({ colormap: e.target.value as ColormapName })}
              >
                {COLORMAPS.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline">
              Scale
              <select
                value={settings.rangeMode}
                onChange={(e) => patchSettings({ rangeMode: e.target.value as RangeMode })}
              >
                <option value="batch">Whole batch</option>
                <option value="image">This image</option>
                <option value="fixed">Fixed 0–1</option>
              </select>
            </label>
            <div
              className="legend"
              role="img"
              aria-label={`Colour scale from ${range[0].toFixed(3)} to ${range[1].toFixed(3)}`}
            >
              <div className="legend-bar" style={{ background: colormapGradient(settings.colormap) }}>
                {thresholds.pixel >= range[0] && thresholds.pixel <= range[1] && (
                  <span
                    className="legend-mark"
                    style={{ left: `${((thresholds.pixel - range[0]) / (range[1] - range[0] || 1)) * 100}%` }}
                    title="Pixel threshold"
                  />
                )}
              </div>
              <div className="legend-ticks mono">
                <span>{range[0].toFixed(3)}</span>
                <span>{range[1].toFixed(3)}</span>
              </div>
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={settings.showOutline}
                onChange={(e) => patchSettings({ showOutline: e.target.checked })}
              />
              Outline ≥ pixel threshold <kbd>O</kbd>
            </label>
          </div>
          <div className="detail-actions">
            <button
              type="button"
              className="btn"
              disabled={!image.result}
              onClick={() => void exportOverlay(image)}
            >
              Export overlay PNG
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-danger"
              onClick={() => removeImages([image.id])}
            >
              Remove image
            </button>
          </div>
        </aside>
      </div>
    </section>
  );
}
