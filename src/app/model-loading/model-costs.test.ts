import { describe, expect, it } from 'vitest';
import { expectedCost } from './model-costs';

describe('expected cost of a catalogue model', () => {
  it('scales the measured ViT-B-16-plus-240 figures by weights and encoder work', () => {
    const b = expectedCost('ViT-B-16-plus-240', 834e6, 'wasm', 2)!;
    const l = expectedCost('ViT-L-14', 1711e6, 'wasm', 2)!;
    expect(b.peakBytes).toBeCloseTo(834e6 * 1.25);
    expect(l.peakBytes).toBeCloseTo(1711e6 * 1.25);
    // 11.3 s per image with 2 threads, spread over the threads this engine gets.
    expect(b.secondsPerImage! * b.threads).toBeCloseTo(11.3 * 2);
    // Token rows × layers × width²: ViT-B-16+ (grid 15) 2896 × 12 × 896², ViT-L-14 (grid 16)
    // 3342 × 24 × 1024², a ratio of 3.014 (measured: 36.4 s against 11.3 s, 3.2).
    expect(l.secondsPerImage! / b.secondsPerImage!).toBeCloseTo(
      (3342 * 24 * 1024 ** 2) / (2896 * 12 * 896 ** 2),
      6,
    );
    expect(expectedCost('ViT-L-14', 1711e6, 'webgpu')).toMatchObject({
      peakBytes: 1711e6 * 1.6,
      secondsPerImage: null,
    });
    expect(expectedCost('RN50', 1e8, 'wasm')).toBeNull();
  });
});
