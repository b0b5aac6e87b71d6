import { describe, expect, it } from 'vitest';
import type { Label } from '../../core/label-metrics';
import { labelKey } from './calibration';
import { countLabels, matchesLabel, withLabel } from './label-filter';
import { type InspectedImage, queuedImage } from './types';

function image(id: string, name: string, addedAt: number): InspectedImage {
  return queuedImage(id, name, null as unknown as File, addedAt);
}

const a = image('1', 'a.png', 1);
const b = image('2', 'b.png', 2);
const c = image('3', 'lot/c.png', 3);
const d = image('4', 'd.png', 4);
const images = [a, b, c, d];
const labels: Record<string, Label> = {
  [labelKey(a)]: 'NG',
  [labelKey(c)]: 'OK',
  [labelKey(d)]: 'NG',
  // A mark of an image that is no longer in the gallery, and one under the same id but another name.
  [labelKey(image('9', 'gone.png', 9))]: 'OK',
  [labelKey({ id: '2', name: 'renamed.png' })]: 'OK',
};
const names = (list: InspectedImage[]) => list.map((im) => im.name);

describe('the gallery filter by mark', () => {
  it('keeps the images with that mark, in their order', () => {
    expect(names(withLabel(images, labels, 'NG'))).toEqual(['a.png', 'd.png']);
    expect(names(withLabel(images, labels, 'OK'))).toEqual(['lot/c.png']);
    // b's only mark is filed under another name, so b is unmarked.
    expect(names(withLabel(images, labels, 'unmarked'))).toEqual(['b.png']);
    expect(withLabel(images, labels, 'all')).toBe(images);
  });

  it('counts each image once: marks of images not in the gallery do not count', () => {
    expect(countLabels(images, labels)).toEqual({ OK: 1, NG: 2, unmarked: 1 });
    expect(countLabels([], labels)).toEqual({ OK: 0, NG: 0, unmarked: 0 });
  });

  it('matches one label against each filter', () => {
    expect([matchesLabel('OK', 'OK'), matchesLabel('OK', 'NG'), matchesLabel('OK', 'unmarked')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([matchesLabel(null, 'all'), matchesLabel(null, 'unmarked'), matchesLabel(null, 'NG')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
