/**
 * Model files for the Model tab's file input, as paths on disk: Playwright hands a path to Chromium as
 * is, where a Buffer is sent base64 over the debugging protocol (about 5 s for the tiny model's 10 MB
 * on the CI machine, paid by every test that picks a model).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP_TOKENIZER, FIXTURE } from './paths';

export const FIXTURE_CONFIG = join(FIXTURE, 'open_clip_config.json');
export const FIXTURE_WEIGHTS = join(FIXTURE, 'open_clip_model.safetensors');

/** The tiny model's three files. */
export const TINY_MODEL_FILES = [FIXTURE_CONFIG, FIXTURE_WEIGHTS, CLIP_TOKENIZER];

type Content = string | Uint8Array;

/**
 * A model folder's files by their real names: each given content is written to a new temporary folder,
 * each file left out is the tiny model's own; `null` leaves the file out of the pick.
 */
export function modelFiles(o: {
  config?: Content | null;
  weights?: Content | null;
  tokenizer?: Content | null;
}): string[] {
  let dir: string | undefined;
  const pick = (name: string, content: Content | null | undefined, fixture: string): string[] => {
    if (content === null) return [];
    if (content === undefined) return [fixture];
    dir ??= mkdtempSync(join(tmpdir(), 'winclip-model-'));
    writeFileSync(join(dir, name), content);
    return [join(dir, name)];
  };
  return [
    ...pick('open_clip_config.json', o.config, FIXTURE_CONFIG),
    ...pick('open_clip_model.safetensors', o.weights, FIXTURE_WEIGHTS),
    ...pick('tokenizer.json', o.tokenizer, CLIP_TOKENIZER),
  ];
}
