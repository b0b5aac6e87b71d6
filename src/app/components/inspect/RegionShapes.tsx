/**
 * The inspection region drawn over an image (SVG in image pixels, stretched over the stage): the frame
 * outside the ROI dimmed, the ROI outlined, don't-care areas hatched and outlined, and, while editing,
 * the selection, the ROI's corner handles and a polygon being drawn.
 */
import type { DontCareArea, InspectionSetup, PixelRect } from '../../../core/inspection-region';
import type { Point, Selection } from '../../../core/region-editing';
import { roiFraction } from '../../state/inspection-setup';

interface Props {
  setup: InspectionSetup;
  width: number;
  height: number;
  /** Image pixels per screen pixel (keeps hatching and handles the same size on screen at any zoom). */
  pxPerScreen: number;
  selected?: Selection;
  draft?: Point[] | null;
  /** A box being dragged out (ROI or rectangle), or the cursor for the polygon's next edge. */
  preview?: { box?: PixelRect; cursor?: Point; kind: 'roi' | 'area' } | null;
  showHandles?: boolean;
}

const pts = (points: readonly Point[]) => points.map(([x, y]) => `${x},${y}`).join(' ');

function AreaShape({ area, selected, index }: { area: DontCareArea; selected: boolean; index: number }) {
  const common = {
    className: `dontcare${selected ? ' selected' : ''}`,
    fill: 'url(#dontcare-hatch)',
    vectorEffect: 'non-scaling-stroke' as const,
    'data-testid': 'dontcare-area',
    'data-kind': area.kind,
    'data-index': index,
  };
  if (area.kind === 'rect') {
    const b = area.box;
    return <rect x={b.x} y={b.y} width={b.width} height={b.height} {...common} />;
  }
  return <polygon points={pts(area.points)} {...common} />;
}

export function RegionShapes(p: Props) {
  const { setup, width, height, pxPerScreen: k } = p;
  const roi = setup.roi;
  const hatch = 8 * k;
  const handle = 5 * k;
  return (
    <svg
      className="region-shapes"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      data-testid="region-shapes"
    >
      <defs>
        <pattern
          id="dontcare-hatch"
          patternUnits="userSpaceOnUse"
          width={hatch}
          height={hatch}
          patternTransform="rotate(45)"
        >
          <rect width={hatch / 2} height={hatch} fill="rgba(250, 204, 21, 0.45)" />
        </pattern>
      </defs>
      {roi && (
        // The frame minus the ROI (even-odd), dimmed: only the region is scored.
        <path
          className="roi-dim"
          fillRule="evenodd"
          d={`M0 0H${width}V${height}H0Z M${roi.x} ${roi.y}h${roi.width}v${roi.height}h${-roi.width}Z`}
        />
      )}
      {roi && (
        <rect
          className={`roi-outline${p.selected?.kind === 'roi' ? ' selected' : ''}`}
          x={roi.x}
          y={roi.y}
          width={roi.width}
          height={roi.height}
          vectorEffect="non-scaling-stroke"
          data-testid="roi-outline"
        />
      )}
      {setup.ignore.map((area, i) => (
        <AreaShape
          // biome-ignore lint/suspicious/noArrayIndexKey: areas are identified by their place in the list
          key={i}
          area={area}
          index={i}
          selected={p.selected?.kind === 'area' && p.selected.index === i}
        />
      ))}
      {p.showHandles &&
        roi &&
        [
          [roi.x, roi.y],
          [roi.x + roi.width, roi.y],
          [roi.x, roi.y + roi.height],
          [roi.x + roi.width, roi.y + roi.height],
        ].map(([x, y]) => (
          <rect
            key={`${x},${y}`}
            className="roi-handle"
            x={x - handle}
            y={y - handle}
            width={handle * 2}
            height={handle * 2}
            vectorEffect="non-scaling-stroke"
          />
        ))}
      {p.preview?.box && (
        <rect
          className={p.preview.kind === 'roi' ? 'roi-outline preview' : 'dontcare preview'}
          x={p.preview.box.x}
          y={p.preview.box.y}
          width={p.preview.box.width}
          height={p.preview.box.height}
          vectorEffect="non-scaling-stroke"
        />
      )}
      {p.draft && p.draft.length > 0 && (
        <g className="polygon-draft" data-testid="polygon-draft" data-points={p.draft.length}>
          <polyline
            points={pts(p.preview?.cursor ? [...p.draft, p.preview.cursor] : p.draft)}
            vectorEffect="non-scaling-stroke"
          />
          {p.draft.map(([x, y], i) => (
            <circle
              // biome-ignore lint/suspicious/noArrayIndexKey: points are identified by their order
              key={i}
              cx={x}
              cy={y}
              r={(i === 0 ? 5 : 3) * k}
              className={i === 0 ? 'first' : undefined}
              vectorEffect="non-scaling-stroke"
            />
          ))}
        </g>
      )}
    </svg>
  );
}

/** Where the map sits on the frame: the ROI's box in percent (the whole frame without one). */
export function roiFrameStyle(
  roi: PixelRect | undefined,
  frame: { width: number | null; height: number | null },
): React.CSSProperties | undefined {
  const f = roiFraction(roi, frame.width, frame.height);
  if (!f) return undefined;
  const pct = (v: number) => `${v * 100}%`;
  return { left: pct(f.left), top: pct(f.top), width: pct(f.width), height: pct(f.height) };
}
