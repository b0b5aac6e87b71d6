/**
 * Detail of one image: the photo at full resolution with the heatmap (opacity, colormap, show/hide)
 * and the outline of regions above the pixel threshold, rendered in the worker, and why it is NG
 * (regions with state words). Keys: ←/→ previous/next, Esc back, H heatmap, O outline, Z zoom,
 * G mark OK, N mark NG.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DetailRender } from '../../../../workers/protocol';
import { errorText, isAbortError } from '../../../core/errors';
import { isWholeImage } from '../../../core/inspection-setup-format';
import { modeDescription, thresholdKey } from '../../../core/scoring-mode';
import type { ColormapName } from '../../../render/colormap';
import { COLORMAPS } from '../../../render/colormap';
import type { HeatmapStyle } from '../../../render/layers';
import { formatScore, useElementSize, useObjectUrl } from '../../hooks';
import { toggleLabel } from '../../services/calibration-service';
import { renderDetail } from '../../services/detail-service';
import { exportOverlay } from '../../services/export-service';
import { removeImages } from '../../services/inspection-service';
import {
  currentModeKey,
  imageMode,
  imageModeKey,
  keyLabel,
  labelOf,
  normalRange,
  useCalib,
} from '../../state/calibration';
import { heatmapStyleFor } from '../../state/heatmap-style';
import { useInspectionSetup } from '../../state/inspection-setup';
import { fixFor, policyText, UNJUDGED_TEXT } from '../../state/judging';
import { imageVerdict, visibleImages } from '../../state/selectors';
import { patchSettings, patchUi, useApp } from '../../state/store';
import type { InspectedImage, RangeMode } from '../../state/types';
import { useJudging } from '../../state/use-judging';
import { HowToRead } from '../calibration/HowToRead';
import { Segmented } from '../common/Segmented';
import { RegionCanvas, RegionPanel, useRegionEditor } from './RegionEditor';
import { RegionShapes, roiFrameStyle } from './RegionShapes';
import { ScaleLegend } from './ScaleLegend';
import { RegionHighlight, useExplanation, WhyPanel } from './WhyPanel';

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
  style: HeatmapStyle,
  pixelThreshold: number,
  heatRef: React.RefObject<HTMLCanvasElement | null>,
  outlineRef: React.RefObject<HTMLCanvasElement | null>,
) {
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { colormap, split } = style;
  const [lo, hi] = style.range;
  useEffect(() => {
    if (!image.result) return;
    const abort = new AbortController();
    const t = setTimeout(() => {
      renderDetail(abort.signal, image.id, { colormap, range: [lo, hi], split, pixelThreshold })
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
  }, [image.id, image.result, colormap, lo, hi, split, pixelThreshold, heatRef, outlineRef]);
  return { rendered, error };
}

export function DetailView({ image }: { image: InspectedImage }) {
  const { settings, thresholds, images, sort, filter, modeKey } = useApp(
    useShallow((s) => ({
      settings: s.settings,
      thresholds: s.thresholds,
      images: s.images,
      sort: s.ui.sort,
      filter: s.ui.filter,
      modeKey: currentModeKey(s),
    })),
  );
  const { labels, loo } = useCalib(useShallow((c) => ({ labels: c.labels, loo: c.loo })));
  const { policyOf, regionsOf } = useJudging();
  const policy = policyOf(image);
  const normal = normalRange(loo, modeKey);
  const label = labelOf(labels, image);
  const [hovered, setHovered] = useState<number | null>(null);
  const why = useExplanation(image, thresholds.pixel);
  const [zoom, setZoom] = useState<'fit' | 'full'>('fit');
  const url = useObjectUrl(image.file);
  const heatRef = useRef<HTMLCanvasElement>(null);
  const outlineRef = useRef<HTMLCanvasElement>(null);
  const [stageRef, stage] = useElementSize<HTMLDivElement>();
  const style = heatmapStyleFor(settings, image, images, thresholds.pixel, normal?.low ?? null, !!policy);
  const { rendered, error } = useDetailRender(image, style, thresholds.pixel, heatRef, outlineRef);
  // Inspection region (issue 19): the editor's draft, and the applied setup the map covers.
  const [editingRegion, setEditingRegion] = useState(false);
  const region = useRegionEditor(image);
  const applied = useInspectionSetup((s) => s.setup);

  const list = visibleImages(images, sort, filter, policyOf, regionsOf);
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
    else if (e.key === 'g' || e.key === 'G') toggleLabel(image, 'OK');
    else if (e.key === 'n' || e.key === 'N') toggleLabel(image, 'NG');
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
  const verdict = imageVerdict(image, policyOf, regionsOf);
  const fix = fixFor(imageModeKey(image));
  const ownMode = imageMode(image);

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
          <span
            className={`pill pill-${verdict.toLowerCase()}`}
            data-testid="detail-verdict"
            title={policy ? policyText(policy) : undefined}
          >
            {verdict}
          </span>
        )}
        {image.result && (
          <span
            className="detail-score mono"
            data-testid="detail-score"
            title="Image score (0–1): higher is more anomalous; not a probability"
          >
            {formatScore(image.result.score)}
          </span>
        )}
        <fieldset className="label-buttons" aria-label="Mark this image">
          <button
            type="button"
            className={`btn btn-small${label === 'OK' ? ' on-ok' : ''}`}
            aria-pressed={label === 'OK'}
            onClick={() => toggleLabel(image, 'OK')}
            title="Mark as a good part (G); marks calibrate thresholds in the Calibration tab"
          >
            Mark OK <kbd>G</kbd>
          </button>
          <button
            type="button"
            className={`btn btn-small${label === 'NG' ? ' on-ng' : ''}`}
            aria-pressed={label === 'NG'}
            onClick={() => toggleLabel(image, 'NG')}
            title="Mark as a defective part (N)"
          >
            Mark NG <kbd>N</kbd>
          </button>
        </fieldset>
        <div className="spacer" />
        <button
          type="button"
          className={`btn btn-small${editingRegion ? ' on' : ''}`}
          aria-pressed={editingRegion}
          onClick={() => setEditingRegion(!editingRegion)}
          title="Draw the inspection region and don't-care areas (applies to the whole gallery)"
        >
          Inspection region
        </button>
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
            {/* The map covers the inspection region only. */}
            <div className="layer roi-frame" style={roiFrameStyle(applied.roi, image)}>
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
              <RegionHighlight explanation={why.result} index={hovered} />
            </div>
            {editingRegion ? (
              <RegionCanvas ctl={region} pxPerScreen={w / box.width} />
            ) : (
              !isWholeImage(applied) && (
                <RegionShapes setup={applied} width={w} height={h} pxPerScreen={w / box.width} />
              )
            )}
          </div>
          {image.status !== 'done' && <div className="stage-note">{image.error ?? 'Not scored yet.'}</div>}
        </div>
        <aside className="detail-side" aria-label="Result and display">
          {editingRegion && <RegionPanel ctl={region} image={image} onDone={() => setEditingRegion(false)} />}
          <dl className="kv">
            <dt title="Image score (0–1): higher is more anomalous; not a probability">Score</dt>
            <dd className="mono">{image.result ? formatScore(image.result.score) : '–'}</dd>
            <dt title="NG when the score is at or above the image threshold of this image's mode">Verdict</dt>
            <dd data-testid="detail-verdict-text">
              {verdict ?? (image.result ? UNJUDGED_TEXT : '–')}
              {verdict && policy && <span className="muted mono small"> · {policyText(policy)}</span>}
              {image.result && !policy && (
                <>
                  {' · '}
                  <button
                    type="button"
                    className="link-button"
                    title={fix.why}
                    onClick={() => patchUi({ sideTab: fix.tab })}
                  >
                    {fix.label}
                  </button>
                </>
              )}
            </dd>
            <dt title="Zero-shot scores from the prompts alone; few-shot also compares with K good reference images. Each mode has its own thresholds.">
              Mode
            </dt>
            <dd data-testid="detail-mode">
              {ownMode ? modeDescription(ownMode) : '–'}
              {ownMode && thresholdKey(ownMode) !== modeKey && (
                <span className="muted small"> · scored before the switch to {keyLabel(modeKey)}</span>
              )}
            </dd>
            <dt>Mark</dt>
            <dd data-testid="detail-label">{label ?? '–'}</dd>
            <dt>Size</dt>
            <dd>
              {image.width ?? '?'} × {image.height ?? '?'} px
              {image.tiles && image.tiles > 1 ? ` · ${image.tiles} tiles` : ''}
            </dd>
            <dt title="Highest pixel score of the anomaly map; regions appear where pixels reach the pixel threshold">
              Max pixel
            </dt>
            <dd className="mono" data-testid="detail-max-pixel">
              {rendered ? formatScore(rendered.maxPixel) : '–'}
            </dd>
            <dt
              title={`Share of pixels at or above the pixel threshold (${thresholds.pixel.toFixed(4)}) and how many separate regions they form`}
            >
              Above pixel thr.
            </dt>
            <dd className="mono" data-testid="detail-area">
              {rendered
                ? `${(rendered.areaAbove * 100).toFixed(2)}% · ${rendered.regions} region${rendered.regions === 1 ? '' : 's'}`
                : '–'}
            </dd>
          </dl>
          {error && <p className="field-error">{error}</p>}
          <WhyPanel
            lot={image.result?.mode === 'lot'}
            explanation={why.result}
            error={why.error}
            hovered={hovered}
            onHover={setHovered}
          />
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
            <label
              className="field-inline"
              title="Threshold: one fixed scale around the pixel threshold for every image (cool below, warm above). Batch / this image stretch the colours to the scores present."
            >
              Scale
              <select
                value={settings.rangeMode}
                onChange={(e) => patchSettings({ rangeMode: e.target.value as RangeMode })}
              >
                <option value="threshold">Threshold (cool below, warm above)</option>
                <option value="batch">Whole batch</option>
                <option value="image">This image</option>
                <option value="fixed">Fixed 0–1</option>
              </select>
            </label>
            <ScaleLegend
              style={style}
              pixelThreshold={thresholds.pixel}
              normal={normal}
              relative={!policy && settings.rangeMode !== 'fixed'}
            />
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
          <HowToRead />
        </aside>
      </div>
    </section>
  );
}
