/** Test inputs live outside the repository (../shared): the fixture model, its images and the CLIP tokenizer. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const SHARED = resolve(REPO_ROOT, '../shared');
export const FIXTURE = join(SHARED, 'fixtures/winclip-tiny');
export const CLIP_TOKENIZER = join(SHARED, 'clip/tokenizer.json');
export const ARTIFACTS = join(REPO_ROOT, 'e2e/artifacts');

/** The tiny model as a hub repo without its own tokenizer.json (like the timm OpenCLIP repos). */
export const TINY_REPO = 'winclip-test/tiny-clip';
export const TOKENIZER_REPO = 'openai/clip-vit-base-patch32';

export const HUB_REPOS = {
  [TINY_REPO]: {
    'open_clip_config.json': join(FIXTURE, 'open_clip_config.json'),
    'open_clip_model.safetensors': join(FIXTURE, 'open_clip_model.safetensors'),
  },
  [TOKENIZER_REPO]: { 'tokenizer.json': CLIP_TOKENIZER },
};

export const fixtureImage = (name: string) => join(FIXTURE, name);
