/**
 * The pre-processing worker's side: decodes an image (as the engine worker would), makes its gallery
 * thumbnail and pre-processes its tiles with the pure core, so that the engine's thread (blocked while
 * a WASM run executes) finds the next image's tensors ready. No model, no onnxruntime here.
 */
import * as Comlink from 'comlink';
import { type PreprocessConfig, preprocessImage } from '../src/core/preprocess';
import { contentHash } from '../src/io/model-identity';
import { decodeWithThumbnail } from './decode';
import type { PreparedImage, PrepWorkerApi } from './protocol';

export class PrepHost implements PrepWorkerApi {
  async prepare(
    image: Blob,
    name: string,
    thumbSide: number,
    config: PreprocessConfig,
  ): Promise<PreparedImage> {
    const t0 = performance.now();
    const hash = await contentHash(await image.arrayBuffer());
    const { rgb, thumb } = await decodeWithThumbnail(image, name, thumbSide);
    const tiles = preprocessImage(rgb, config);
    const out: PreparedImage = {
      ...tiles,
      contentHash: hash,
      thumb,
      config,
      ms: performance.now() - t0,
    };
    return Comlink.transfer(out, [thumb, ...tiles.pixels.map((p) => p.buffer)]);
  }
}
