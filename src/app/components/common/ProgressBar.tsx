/** A determinate (value/max) or indeterminate progress bar with an accessible label. */
export function ProgressBar({
  label,
  value,
  max,
}: {
  label: string;
  value: number | null;
  max: number | null;
}) {
  const determinate = value !== null && max !== null && max > 0;
  const pct = determinate ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div
      className={`progress${determinate ? '' : ' indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={determinate ? Math.round(pct) : undefined}
    >
      <div className="progress-fill" style={determinate ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
