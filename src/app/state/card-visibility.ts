/**
 * Which gallery cards are on screen, by image id: each card reports itself (see useCardVisibility) and
 * the queue reads it when it picks the next image. A card that is not rendered (scrolled out of a
 * virtualized gallery, or removed) has reported itself hidden. Not a React store: nothing re-renders
 * on scroll.
 */

const visible = new Set<string>();

export function setCardVisible(id: string, on: boolean): void {
  if (on) visible.add(id);
  else visible.delete(id);
}

export function isCardVisible(id: string): boolean {
  return visible.has(id);
}
