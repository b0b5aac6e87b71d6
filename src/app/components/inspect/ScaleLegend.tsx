/** The detail view's colour bar: the scale in use, the pixel threshold mark and the calibrated normal range. */

import { colormapGradient, splitGradient } from '../../../render/colormap';
import type { HeatmapStyle } from '../../../render/layers';

export function ScaleLegend({
  style,
  pixelThreshold,
  normal,
}: {
  style: HeatmapStyle;
  pixelThreshold: number;
  normal: { low: number; high: number } | null;
}) {
  const [lo, hi] = style.range;
  const pos = (v: number) => `${Math.min(100, Math.max(0, ((v - lo) / (hi - lo || 1)) * 100))}%`;
  const background =
    style.split !== undefined
      ? splitGradient(style.colormap, lo, style.split, hi)
      : colormapGradient(style.colormap);
  const inRange = pixelThreshold >= lo && pixelThreshold <= hi;
  return (
    <div
      className="legend"
      role="img"
      aria-label={`Colour scale from ${lo.toFixed(3)} to ${hi.toFixed(3)}, pixel threshold ${pixelThreshold.toFixed(3)}`}
      data-testid="scale-legend"
    >
      <div className="legend-bar" style={{ background }}>
        {normal && normal.high > lo && normal.low < hi && (
          <span
            className="legend-normal"
            data-testid="legend-normal"
            style={{ left: pos(normal.low), width: `calc(${pos(normal.high)} - ${pos(normal.low)})` }}
            title={`Calibrated normal range: median pixel of the good references (${normal.low.toFixed(3)}) to their highest pixel (${normal.high.toFixed(3)})`}
          />
        )}
        {inRange && (
          <span
            className="legend-mark"
            data-testid="legend-threshold"
            style={{ left: pos(pixelThreshold) }}
            title={`Pixel threshold ${pixelThreshold.toFixed(3)}`}
          />
        )}
      </div>
      <div className="legend-ticks mono">
        <span>{lo.toFixed(3)}</span>
        {inRange && <span>thr {pixelThreshold.toFixed(3)}</span>}
        <span>{hi.toFixed(3)}</span>
      </div>
      {normal && <div className="legend-caption muted small">Shaded: where good parts' pixels lie</div>}
    </div>
  );
}
