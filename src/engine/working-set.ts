/**
 * The memory bound on features held in memory: a working set of keys, least recently used first, kept
 * within a number of items and/or a number of bytes. Pure bookkeeping: the owner holds the values and
 * drops the keys `touch` returns as evicted (they can be reloaded from a feature store on demand).
 */
export interface WorkingSetLimits {
  /** At most this many keys (default: no limit). */
  maxItems?: number;
  /** At most this many bytes in all (default: no limit). */
  maxBytes?: number;
}

export class WorkingSet<K> {
  /** Byte size per key; Map order is use order, least recent first. */
  private readonly sizes = new Map<K, number>();
  private total = 0;

  constructor(readonly limits: WorkingSetLimits = {}) {
    for (const [name, v] of Object.entries(limits))
      if (v !== undefined && !(v >= 0))
        throw new Error(`working set: ${name} must be a number >= 0, got ${v}`);
  }

  get size(): number {
    return this.sizes.size;
  }

  get bytes(): number {
    return this.total;
  }

  has(key: K): boolean {
    return this.sizes.has(key);
  }

  /** Keys, least recently used first. */
  keys(): K[] {
    return [...this.sizes.keys()];
  }

  /**
   * Marks `key` as just used (adding it, with `bytes` when given, or keeping its known size), then
   * evicts the least recently used keys beyond the limits and returns them, oldest first. A key larger
   * than the whole byte limit is evicted itself.
   */
  touch(key: K, bytes?: number): K[] {
    const size = bytes ?? this.sizes.get(key) ?? 0;
    this.delete(key);
    this.sizes.set(key, size);
    this.total += size;
    const evicted: K[] = [];
    const maxItems = this.limits.maxItems ?? Infinity;
    const maxBytes = this.limits.maxBytes ?? Infinity;
    while (this.sizes.size > maxItems || this.total > maxBytes) {
      const oldest = this.sizes.keys().next().value as K;
      this.delete(oldest);
      evicted.push(oldest);
    }
    return evicted;
  }

  delete(key: K): boolean {
    const size = this.sizes.get(key);
    if (size === undefined) return false;
    this.sizes.delete(key);
    this.total -= size;
    return true;
  }

  clear(): void {
    this.sizes.clear();
    this.total = 0;
  }
}
