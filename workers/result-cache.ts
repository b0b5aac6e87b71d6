/** The few full-resolution results the detail view and overlay export reuse, most recent last. */
import type { ImageResult } from '../src/core/types';

export class ResultCache {
  private readonly results = new Map<string, ImageResult>();

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

  clear(): void {
    this.results.clear();
  }
}
