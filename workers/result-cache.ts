/**
 * The few full-resolution results the detail view and overlay export reuse (most recent last), and the
 * options every image was last scored with, so a map computed again matches the image's score.
 */
import type { ScoreOptions } from '../src/core/score-options';
import type { ImageResult } from '../src/core/types';

export class ResultCache {
  private readonly results = new Map<string, ImageResult>();
  private readonly options = new Map<string, ScoreOptions>();

  constructor(private readonly capacity: number) {}

  get(key: string): ImageResult | undefined {
    return this.results.get(key);
  }

  put(key: string, result: ImageResult): void {
    this.results.delete(key);
    this.results.set(key, result);
    while (this.results.size > this.capacity) {
      const oldest = this.results.keys().next().value as string;
      this.results.delete(oldest);
    }
  }

  delete(key: string): void {
    this.results.delete(key);
  }

  /** The image was scored anew with `options`: its full result is stale, its options are these. */
  scored(key: string, options: ScoreOptions): void {
    this.results.delete(key);
    this.options.set(key, options);
  }

  optionsOf(key: string): ScoreOptions | undefined {
    return this.options.get(key);
  }

  /** The image is gone: its result and options both. */
  forget(key: string): void {
    this.results.delete(key);
    this.options.delete(key);
  }

  clear(): void {
    this.results.clear();
  }
}
