/**
 * Which queued image to score next: the first one (in queue order) whose card is visible in the
 * gallery, else the first one. Cards scrolled into view thus move to the front of the queue; what
 * "visible" means (rendered and intersecting the viewport) is the caller's.
 */

export interface QueueEntry {
  id: string;
  status: string;
}

/** The next image to score among `items` (status 'queued'), or null when none waits. */
export function nextQueued<T extends QueueEntry>(
  items: readonly T[],
  isVisible: (id: string) => boolean,
): T | null {
  let first: T | null = null;
  for (const it of items) {
    if (it.status !== 'queued') continue;
    if (isVisible(it.id)) return it;
    first ??= it;
  }
  return first;
}

/** The next `n` images in the order nextQueued would give them if visibility stayed as it is. */
export function queuedOrder<T extends QueueEntry>(
  items: readonly T[],
  isVisible: (id: string) => boolean,
  n = Number.POSITIVE_INFINITY,
): T[] {
  const queued = items.filter((it) => it.status === 'queued');
  const seen = queued.filter((it) => isVisible(it.id));
  const unseen = queued.filter((it) => !isVisible(it.id));
  return [...seen, ...unseen].slice(0, n);
}
