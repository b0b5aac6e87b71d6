import { describe, expect, it } from 'vitest';
import { estimatedRowHeight, gridColumns } from './grid-columns';

describe('gridColumns', () => {
  it('fits as many minimum-width cards with their gaps as CSS auto-fill does', () => {
    // 5 × 190 + 4 × 10 = 990 fits in 1000; 6 × 190 + 5 × 10 = 1190 does not.
    expect(gridColumns(1000, 190, 10)).toBe(5);
    // Exactly 6 cards and 5 gaps.
    expect(gridColumns(1190, 190, 10)).toBe(6);
    expect(gridColumns(1189, 190, 10)).toBe(5);
  });
  it('never gives fewer than one column', () => {
    expect(gridColumns(120, 190, 10)).toBe(1);
    expect(gridColumns(0, 190, 10)).toBe(1);
    expect(gridColumns(Number.NaN, 190, 10)).toBe(1);
  });
});

describe('estimatedRowHeight', () => {
  it('is a 4:3 picture of the card width plus the name line', () => {
    // (1000 − 4 × 10) / 5 = 192 wide → 144 high + 34.
    expect(estimatedRowHeight(1000, 5, 10)).toBe(178);
  });
});
