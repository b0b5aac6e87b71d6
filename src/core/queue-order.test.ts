import { describe, expect, it } from 'vitest';
import { nextQueued, type QueueEntry, queuedOrder } from './queue-order';

const q = (spec: string): QueueEntry[] =>
  // "a. b! c" → a queued, b done, c queued ('.' queued, '!' done, '~' processing)
  spec.split(' ').map((t) => ({
    id: t[0],
    status: t[1] === '!' ? 'done' : t[1] === '~' ? 'processing' : 'queued',
  }));

/** Scores the queue to the end as the pump does, with visibility changing after some picks. */
function drain(items: QueueEntry[], visibleAt: (pick: number) => Set<string>): string[] {
  const order: string[] = [];
  for (let pick = 0; ; pick++) {
    const visible = visibleAt(pick);
    const next = nextQueued(items, (id) => visible.has(id));
    if (!next) return order;
    order.push(next.id);
    next.status = 'done';
  }
}

describe('nextQueued', () => {
  it('takes the first queued image when no card is visible', () => {
    expect(nextQueued(q('a! b~ c. d.'), () => false)?.id).toBe('c');
  });

  it('takes the first visible queued image before earlier ones out of view', () => {
    const visible = new Set(['a', 'e', 'f']);
    expect(nextQueued(q('a! b. c. d. e. f.'), (id) => visible.has(id))?.id).toBe('e');
  });

  it('skips visible cards that are not queued', () => {
    const visible = new Set(['b', 'd']);
    expect(nextQueued(q('a. b~ c. d!'), (id) => visible.has(id))?.id).toBe('a');
  });

  it('gives null when nothing is queued', () => {
    expect(nextQueued(q('a! b~ c!'), () => true)).toBeNull();
  });

  it('scores the visible cards first, then the rest in queue order', () => {
    // Six queued, the bottom two (e, f) in view: e, f, then a..d.
    const order = drain(q('a. b. c. d. e. f.'), () => new Set(['e', 'f']));
    expect(order).toEqual(['e', 'f', 'a', 'b', 'c', 'd']);
  });

  it('moves cards that scroll into view to the front', () => {
    // After two picks the user scrolls from the bottom (e, f) to the middle (c, d).
    const order = drain(q('a. b. c. d. e. f. g.'), (pick) => new Set(pick < 2 ? ['f', 'g'] : ['c', 'd']));
    expect(order).toEqual(['f', 'g', 'c', 'd', 'a', 'b', 'e']);
  });
});

describe('queuedOrder', () => {
  it('lists what nextQueued would take, visible first', () => {
    const visible = new Set(['d', 'b']);
    const items = q('a. b. c! d. e.');
    expect(queuedOrder(items, (id) => visible.has(id)).map((it) => it.id)).toEqual(['b', 'd', 'a', 'e']);
    expect(queuedOrder(items, (id) => visible.has(id), 1).map((it) => it.id)).toEqual(['b']);
    expect(queuedOrder(items, (id) => visible.has(id), 1)[0]).toBe(
      nextQueued(items, (id) => visible.has(id)),
    );
  });
});
