/**
 * Columns of the gallery grid for a container width, as CSS `repeat(auto-fill, minmax(min, 1fr))` would
 * lay them out: the virtualized gallery renders rows of that many cards, so it must know the count.
 */
export function gridColumns(innerWidth: number, minCard: number, gap: number): number {
  if (!(innerWidth > 0) || !(minCard > 0)) return 1;
  return Math.max(1, Math.floor((innerWidth + gap) / (minCard + gap)));
}

/** Height of one row of cards: a 4:3 picture over the name line (the estimate; rows are measured). */
export function estimatedRowHeight(innerWidth: number, cols: number, gap: number): number {
  const cardWidth = Math.max(1, (innerWidth - gap * (cols - 1)) / cols);
  return Math.round((cardWidth * 3) / 4 + 34);
}
