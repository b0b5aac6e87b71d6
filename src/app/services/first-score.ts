/** Shows an image's score as soon as the worker has it, while the window passes for its map still run. */
import type { FirstScoreEvent } from '../../../workers/protocol';
import { updateImage, useApp } from '../state/store';

export function onFirstScore(s: FirstScoreEvent): void {
  const image = useApp.getState().images.find((im) => im.id === s.key);
  // A late message for an image that finished, failed or was removed meanwhile changes nothing.
  if (image?.status === 'processing') updateImage(s.key, { firstScore: { score: s.score, ms: s.ms } });
}
