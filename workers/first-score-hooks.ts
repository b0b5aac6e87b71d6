/** The encoding hook that reports an image's score as soon as the full passes give it (the map comes later). */
import type { EncodeHooks } from '../src/engine/api';
import type { FirstScoreListener } from './protocol';

export function firstScoreHooks(key: string, listener: FirstScoreListener | null): EncodeHooks {
  return {
    onImageScore: (f) => {
      // Only a final score (zero-shot, no references); fire and forget: a slow UI never stalls the engine.
      if (f.final)
        void Promise.resolve(listener?.({ key, score: f.imageScore, ms: f.ms })).catch(() => undefined);
    },
  };
}
