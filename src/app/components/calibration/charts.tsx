/**
 * Two small charts as hand-drawn SVG: the OK/NG score histogram with the threshold line, and the ROC
 * curve. They are static and a few dozen elements each, so a charting library would add weight and
 * nothing else; SVG scales crisply and screenshots read the same everywhere.
 */
import type { LabelHistogram, RocPoint } from '../../../core/label-metrics';

const W = 280;
const H = 130;
const PAD = { l: 28, r: 8, t: 8, b: 22 };

export function ScoreHistogram({ hist, threshold }: { hist: LabelHistogram; threshold: number }) {
  const bins = hist.ok.length;
  const peak = Math.max(1, ...hist.ok, ...hist.ng);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / bins;
  const x = (v: number) => PAD.l + ((v - hist.lo) / (hist.hi - hist.lo)) * iw;
  const y = (c: number) => PAD.t + ih - (c / peak) * ih;
  const tx = x(threshold);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="chart"
      role="img"
      aria-label={`Score histogram of ${hist.ok.reduce((a, b) => a + b, 0)} OK and ${hist.ng.reduce((a, b) => a + b, 0)} NG images`}
      data-testid="label-histogram"
    >
      <line x1={PAD.l} y1={PAD.t + ih} x2={W - PAD.r} y2={PAD.t + ih} className="axis" />
      {hist.ok.map((c, i) =>
        c > 0 ? (
          <rect
            // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional
            key={`ok${i}`}
            x={PAD.l + i * bw + 1}
            y={y(c)}
            width={Math.max(1, bw / 2 - 1)}
            height={PAD.t + ih - y(c)}
            className="bar-ok"
          >
            <title>{`${c} OK`}</title>
          </rect>
        ) : null,
      )}
      {hist.ng.map((c, i) =>
        c > 0 ? (
          <rect
            // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional
            key={`ng${i}`}
            x={PAD.l + i * bw + bw / 2}
            y={y(c)}
            width={Math.max(1, bw / 2 - 1)}
            height={PAD.t + ih - y(c)}
            className="bar-ng"
          >
            <title>{`${c} NG`}</title>
          </rect>
        ) : null,
      )}
      {tx >= PAD.l && tx <= W - PAD.r && (
        <line x1={tx} y1={PAD.t} x2={tx} y2={PAD.t + ih} className="threshold-line">
          <title>{`Image threshold ${threshold.toFixed(4)}`}</title>
        </line>
      )}
      <text x={PAD.l} y={H - 6} className="tick">
        {hist.lo.toFixed(3)}
      </text>
      <text x={W - PAD.r} y={H - 6} className="tick" textAnchor="end">
        {hist.hi.toFixed(3)}
      </text>
      <text x={4} y={PAD.t + 8} className="tick">
        {peak}
      </text>
    </svg>
  );
}

export function RocChart({
  points,
  auroc,
  at,
}: {
  points: RocPoint[];
  auroc: number;
  at: { fpr: number; tpr: number };
}) {
  const L = 22;
  const T = 6;
  const side = 110;
  const x = (f: number) => L + f * side;
  const y = (t: number) => T + side - t * side;
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.fpr).toFixed(1)},${y(p.tpr).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      viewBox={`0 0 ${L + side + 6} ${T + side + 18}`}
      className="chart chart-roc"
      role="img"
      aria-label={`ROC curve, AUROC ${auroc.toFixed(3)}`}
      data-testid="label-roc"
    >
      <rect x={x(0)} y={y(1)} width={side} height={side} className="frame" />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="chance" />
      <path d={path} className="roc" />
      <circle cx={x(at.fpr)} cy={y(at.tpr)} r={3.5} className="roc-at">
        <title>{`At the current threshold: ${(at.fpr * 100).toFixed(0)}% of OK rejected, ${(at.tpr * 100).toFixed(0)}% of NG caught`}</title>
      </circle>
      <text x={x(0.5)} y={T + side + 13} className="tick" textAnchor="middle">
        OK rejected →
      </text>
      <text x={12} y={y(0.5)} className="tick" textAnchor="middle" transform={`rotate(-90 12 ${y(0.5)})`}>
        NG caught →
      </text>
    </svg>
  );
}
