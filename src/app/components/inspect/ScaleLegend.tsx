/** The detail view's colour bar: the scale in use, the pixel threshold mark and the calibrated normal range. */

import { colormapGradient, splitGradient } from '../../../render/colormap';
import type { HeatmapStyle } from '../../../render/layers';

export function ScaleLegend({
  style,
  pixelThreshold,
  normal,
  relative = false,
}: {
  style: HeatmapStyle;
  pixelThreshold: number;
  normal: { low: number; high: number } | null;
  /** Unjudged: the scale is this image's own min–max, and no threshold mark is drawn. */
  relative?: boolean;
}) {
  const [lo, hi] = style.range;
  const pos = (v: number) => `${Math.min(100, Math.max(0, ((v - lo) / (hi - lo || 1)) * 100))}%`;
  const background =
    style.split !== undefined
      ? splitGradient(style.colormap, lo, style.split, hi)
      : colormapGradient(style.colormap);
  const inRange = !relative && pixelThreshold >= lo && pixelThreshold <= hi;
  return (
    <div
      className="legend"
      role="img"
      aria-label={
        relative
          ? `Colour scale relative to this image, from ${lo.toFixed(4)} to ${hi.toFixed(4)}`
          : `Colour scale from ${lo.toFixed(4)} to ${hi.toFixed(4)}, pixel threshold ${pixelThreshold.toFixed(4)}`
      }
      data-testid="scale-legend"
    >
      <div className="legend-bar" style={{ background }}>
        {normal && normal.high > lo && normal.low < hi && (
          <span
            className="legend-normal"
            data-testid="legend-normal"
            style={{ left: pos(normal.low), width: `calc(${pos(normal.high)} - ${pos(normal.low)})` }}
            title={`Calibrated normal range: median pixel of the good references (${normal.low.toFixed(4)}) to their highest pixel (${normal.high.toFixed(4)})`}
          />
        )}
        {inRange && (
          <span
            className="legend-mark"
            data-testid="legend-threshold"
            style={{ left: pos(pixelThreshold) }}
            title={`Pixel threshold ${pixelThreshold.toFixed(4)}`}
          />
        )}
      </div>
      <div className="legend-ticks mono">
        <span>{lo.toFixed(4)}</span>
        {inRange && <span>thr {pixelThreshold.toFixed(4)}</span>}
        <span>{hi.toFixed(4)}</span>
      </div>
      {relative && (
        <div className="legend-caption muted small" data-testid="legend-relative">
          Relative to this image: no threshold is set yet, so warm means higher than the rest of this image,
          not defective
        </div>
      )}
      {normal && <div className="legend-caption muted small">Shaded: where good parts' pixels lie</div>}
    </div>
  );
}
