/**
 * Which engine worker holds the loaded model. Between a worker restart and the restore's reload the
 * store still says the model is ready (the restore reads it to know what to reload), but the new
 * worker holds nothing: the image queue asks here before it sends work.
 */
import { engineClient } from './engine-service';

/** The worker (by its restart count) that holds the model; -1 while none does. */
let loadedIn = -1;

export function markModelLoaded(): void {
  loadedIn = engineClient().restarts;
}

export function markModelGone(): void {
  loadedIn = -1;
}

export function workerHasModel(): boolean {
  return loadedIn >= 0 && loadedIn === engineClient().restarts;
}
