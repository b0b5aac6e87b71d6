import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/fixture';
import type { DownloadProgress } from './hub';
import { LocalFilesError } from './local-files';
import { fetchModelFiles } from './model-fetch';

/** A local file whose bytes cannot be read (moved or deleted after it was picked). */
class UnreadableFile extends File {
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return new ReadableStream({
      pull(ctrl) {
        ctrl.error(new Error('NotReadableError'));
      },
    });
  }
}

const opts = (onProgress: (p: DownloadProgress) => void = () => undefined) => ({
  hubUrl: 'http://127.0.0.1:1',
  tokenizerRepo: 'openai/clip-vit-base-patch32',
  signal: new AbortController().signal,
  onProgress,
});

describe('fetchModelFiles from local files', () => {
  it('reports a failed read as a local-file failure, not a download', async () => {
    const config = new UnreadableFile(['{}'], 'open_clip_config.json');
    const weights = new File([new Uint8Array(16)], 'open_clip_model.safetensors');
    const err = await fetchModelFiles({ kind: 'local', label: 'm', config, weights }, opts()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LocalFilesError);
    expect((err as Error).message).toBe(
      'open_clip_config.json could not be read from disk (NotReadableError). Was it moved, deleted or changed? Pick the files again.',
    );
  });

  it('reports local bytes as data with from: local', async () => {
    const seen: DownloadProgress[] = [];
    const config = new File(['not json'], 'open_clip_config.json');
    const weights = new File([new Uint8Array(16)], 'open_clip_model.safetensors');
    const err = await fetchModelFiles(
      { kind: 'local', label: 'm', config, weights },
      opts((p) => seen.push(p)),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'open_clip_config.json is not valid JSON (damaged or not the right file).',
    );
    expect(seen).toEqual([
      { kind: 'download', file: 'open_clip_config.json', from: 'local', loaded: 8, total: 8 },
    ]);
  });

  it('hands on the tokenizer as its checked bytes (the worker parses them), and refuses one not CLIP', async () => {
    const read = (f: string) => readFileSync(join(FIXTURE_DIR, f));
    const config = new File([read('open_clip_config.json')], 'open_clip_config.json');
    const weights = new File([read('open_clip_model.safetensors')], 'open_clip_model.safetensors');
    const tokenizerBytes = read('tokenizer.json');
    const tokenizer = new File([tokenizerBytes], 'tokenizer.json');
    const got = await fetchModelFiles({ kind: 'local', label: 'm', config, weights, tokenizer }, opts());
    // Byte for byte (Buffer.equals: a deep toEqual walks the 2 MB element by element, for seconds).
    expect(got.files.tokenizer).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(got.files.tokenizer as Uint8Array).equals(tokenizerBytes)).toBe(true);

    const json = JSON.parse(tokenizerBytes.toString('utf8'));
    delete json.model.vocab['<|startoftext|>'];
    const notClip = new File([JSON.stringify(json)], 'my-tokenizer.json');
    const err = await fetchModelFiles(
      { kind: 'local', label: 'm', config, weights, tokenizer: notClip },
      opts(),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'my-tokenizer.json: not a CLIP tokenizer (no <|startoftext|>/<|endoftext|> tokens)',
    );
  });
});
