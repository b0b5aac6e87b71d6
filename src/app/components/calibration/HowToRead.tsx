/** One "How to read this" panel: what the numbers on a card and in the detail view mean. */
export function HowToRead({ open = false }: { open?: boolean }) {
  return (
    <details className="how-to" open={open} data-testid="how-to-read">
      <summary>How to read this</summary>
      <ul>
        <li>
          <b>Score</b> (0–1) says how much the image resembles the anomalous prompts (zero-shot) or, with
          reference images, also how far its patches are from the good ones (few-shot). It is not a
          probability: good and bad parts can sit close together, and each mode has its own scale.
        </li>
        <li>
          <b>Verdict</b>: NG when the score is at or above the image threshold of the image's own mode
          (zero-shot, or few-shot with K references); REVIEW from the review threshold up to it, when a review
          band is set. Switching mode switches thresholds; a mode without a threshold gives no verdict and
          says <i>Not judged yet</i>.
        </li>
        <li>
          <b>Calibration from the reference bank</b> (K ≥ 2): each good reference is scored against the other
          K − 1. The image threshold is the highest of those scores plus one standard deviation (max + 1·std);
          the pixel threshold is the same rule on each reference's highest pixel, so good parts show no
          region.
        </li>
        <li>
          <b>Marks</b>: mark images OK or NG (G / N) to see the score histogram, the ROC curve and the
          confusion matrix, and pick a threshold that misses no NG part, has the best F1, or stays under a
          false-reject rate.
        </li>
        <li>
          <b>Heatmap</b> (threshold scale, default): cool colours below the pixel threshold, warm from it on,
          the same on every image, so warm always means "above the pixel threshold". The outline and the
          regions use the same threshold. <i>Batch</i> and <i>this image</i> scales stretch the colours to the
          scores present instead.
        </li>
        <li>
          <b>Max pixel</b>: the highest pixel score; a region appears only where pixels reach the pixel
          threshold. Each region lists its area, peak and the anomalous state word it resembles most.
        </li>
      </ul>
    </details>
  );
}
