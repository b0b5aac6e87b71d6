/**
 * "Why this image": every region above the pixel threshold (box, area, peak, closest anomalous state
 * word) and the state words of the whole image. Hovering or focusing a region highlights it.
 */
import { useEffect, useState } from 'react';
import type { ExplainResult } from '../../../../workers/protocol';
import { errorText, isAbortError } from '../../../core/errors';
import { explainWithCurrentPrompts } from '../../services/explain-service';
import type { InspectedImage } from '../../state/types';

export function useExplanation(image: InspectedImage, pixelThreshold: number) {
  const [result, setResult] = useState<ExplainResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // State words come from the prompts' embeddings: a lot score has none to explain it with.
    if (!image.result || image.result.mode === 'lot') return;
    const abort = new AbortController();
    const t = setTimeout(() => {
      explainWithCurrentPrompts(abort.signal, image.id, pixelThreshold)
        .then((r) => {
          if (abort.signal.aborted) return;
          setResult(r);
          setError(null);
        })
        .catch((err: unknown) => {
          if (!isAbortError(err)) setError(errorText(err));
        });
    }, 60);
    return () => {
      clearTimeout(t);
      abort.abort();
    };
    // A prompt edit re-scores every image, so a new `image.result` also brings new state words.
  }, [image.id, image.result, pixelThreshold]);
  return { result, error };
}

const MAX_LISTED = 12;

export function WhyPanel({
  explanation,
  error,
  hovered,
  onHover,
  lot = false,
}: {
  /** The image was scored in lot mode (no prompts, so no state words). */
  lot?: boolean;
  explanation: ExplainResult | null;
  error: string | null;
  hovered: number | null;
  onHover: (i: number | null) => void;
}) {
  if (lot)
    return (
      <p className="muted small" data-testid="why-lot">
        A lot score compares this image with the other images of the lot, not with the prompts, so there are
        no state words to explain its regions.
      </p>
    );
  if (error) return <p className="field-error">{error}</p>;
  if (!explanation) return <p className="muted small">Finding regions…</p>;
  const { regions, imageStates, width, height } = explanation;
  const anomalous = imageStates.filter((s) => s.cls === 'anomalous').slice(0, 3);
  const normal = imageStates.filter((s) => s.cls === 'normal').slice(0, 2);
  return (
    <section className="why" aria-label="Why this image" data-testid="why-panel">
      <h3 className="why-title">Why this image</h3>
      {regions.length === 0 ? (
        <p className="muted small" data-testid="why-none">
          No region reaches the pixel threshold ({explanation.pixelThreshold.toFixed(4)}).
        </p>
      ) : (
        <ol className="region-list" data-testid="region-list">
          {regions.slice(0, MAX_LISTED).map((r, i) => (
            <li
              key={`${r.box.join(',')}`}
              className={hovered === i ? 'on' : undefined}
              data-testid="region-item"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the region on the image, as hover does
              tabIndex={0}
              onMouseEnter={() => onHover(i)}
              onMouseLeave={() => onHover(null)}
              onFocus={() => onHover(i)}
              onBlur={() => onHover(null)}
            >
              <span
                className="region-state"
                data-testid="region-state"
                title="Anomalous state word whose embedding is closest to the region's window embeddings (share among the anomalous states)"
              >
                {r.state ?? 'no state word'}
                {r.stateShare !== null && <span className="muted"> {(r.stateShare * 100).toFixed(0)}%</span>}
              </span>
              <span className="mono small" title="Peak: highest pixel score in the region">
                peak {r.peak.toFixed(4)}
              </span>
              <span
                className="mono small muted"
                title={`Area in pixels and share of the ${width}×${height} image; box [left, top, right, bottom]`}
              >
                {r.area.toLocaleString('en')} px · {(r.areaFraction * 100).toFixed(2)}% · [{r.box.join(', ')}]
              </span>
            </li>
          ))}
          {regions.length > MAX_LISTED && (
            <li className="muted small">and {regions.length - MAX_LISTED} smaller regions</li>
          )}
        </ol>
      )}
      <div
        className="state-words"
        data-testid="image-states"
        title="How much the whole image resembles each state word (softmax shares over all states, mean over tiles)"
      >
        <span className="muted small">Whole image:</span>
        {[...anomalous, ...normal].map((s) => (
          <span key={`${s.cls}:${s.state}`} className={`state-chip state-${s.cls}`}>
            {s.state} <b className="mono">{(s.share * 100).toFixed(1)}%</b>
          </span>
        ))}
      </div>
    </section>
  );
}

/** The highlighted region's box over the photo (positions in % of the image, so zoom does not matter). */
export function RegionHighlight({
  explanation,
  index,
}: {
  explanation: ExplainResult | null;
  index: number | null;
}) {
  if (!explanation || index === null) return null;
  const r = explanation.regions[index];
  if (!r) return null;
  const [l, t, rr, b] = r.box;
  const { width: w, height: h } = explanation;
  return (
    <div
      className="region-box"
      data-testid="region-highlight"
      style={{
        left: `${(l / w) * 100}%`,
        top: `${(t / h) * 100}%`,
        width: `${((rr - l) / w) * 100}%`,
        height: `${((b - t) / h) * 100}%`,
      }}
    />
  );
}
