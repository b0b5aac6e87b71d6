/** Threads for the WASM backend: all cores unless lowered; one when the page is not isolated. */
export function wasmThreads(cores: number, isolated: boolean, limit?: number): number {
  // Threads need SharedArrayBuffer, which only cross-origin isolated pages get.
  if (!isolated) return 1;
  const all = Math.max(1, Math.floor(cores));
  return limit && limit >= 1 ? Math.min(all, Math.floor(limit)) : all;
}
