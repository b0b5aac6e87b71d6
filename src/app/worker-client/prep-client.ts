/**
 * UI-thread handle on the pre-processing worker (workers/prep.worker.ts). The worker is started on
 * first use; if it dies, waiting calls fail and the next call starts a fresh one. Callers treat a
 * failure as "not prepared" and let the engine decode the image itself.
 */
import * as Comlink from 'comlink';
import type { PreparedImage, PrepWorkerApi } from '../../../workers/protocol';

export class PrepClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<PrepWorkerApi> | null = null;
  private readonly pending = new Set<(err: Error) => void>();

  constructor(private readonly createWorker: () => Worker) {}

  private api(): Comlink.Remote<PrepWorkerApi> {
    if (this.remote) return this.remote;
    const worker = this.createWorker();
    worker.addEventListener('error', (e) => {
      if (this.worker !== worker) return;
      this.drop(new Error(`the pre-processing worker failed: ${e.message || 'unknown error'}`));
    });
    this.worker = worker;
    this.remote = Comlink.wrap<PrepWorkerApi>(worker);
    return this.remote;
  }

  private drop(err: Error): void {
    for (const reject of this.pending) reject(err);
    this.pending.clear();
    this.remote?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  async prepare(
    ...[image, name, thumbSide, config]: Parameters<PrepWorkerApi['prepare']>
  ): Promise<PreparedImage> {
    const api = this.api();
    let reject!: (err: Error) => void;
    const dead = new Promise<never>((_, r) => {
      reject = r;
    });
    this.pending.add(reject);
    try {
      return await Promise.race([api.prepare(image, name, thumbSide, config), dead]);
    } finally {
      this.pending.delete(reject);
    }
  }

  dispose(): void {
    this.drop(new Error('the pre-processing worker was stopped'));
  }
}

/** Marks a prepared image's thumbnail and tensors to be moved, not copied, into the engine worker. */
export function handOver(p: PreparedImage): PreparedImage {
  return Comlink.transfer(p, [p.thumb, ...p.pixels.map((t) => t.buffer)]);
}
