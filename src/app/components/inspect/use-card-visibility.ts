/**
 * Reports whether a gallery card intersects the viewport to the card-visibility store (the queue
 * scores visible cards first). One observer watches every card; an unmounted card is hidden.
 */
import { type RefObject, useEffect } from 'react';
import { setCardVisible } from '../../state/card-visibility';

let observer: IntersectionObserver | null = null;
const ids = new WeakMap<Element, string>();

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      const id = ids.get(e.target);
      if (id) setCardVisible(id, e.isIntersecting);
    }
  });
  return observer;
}

export function useCardVisibility(ref: RefObject<HTMLElement | null>, id: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const o = shared();
    ids.set(el, id);
    o.observe(el);
    return () => {
      o.unobserve(el);
      ids.delete(el);
      setCardVisible(id, false);
    };
  }, [ref, id]);
}
