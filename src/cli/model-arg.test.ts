import { describe, expect, it } from 'vitest';
import { progressPrinter, resolveModelArg } from './model-arg';

function sink(isTTY: boolean) {
  const lines: string[] = [];
  return { out: { isTTY, write: (s: string) => lines.push(s) }, lines };
}

describe('download progress on stderr', () => {
  it('prints nothing when stderr is not a terminal', () => {
    const { out, lines } = sink(false);
    progressPrinter(out)({ kind: 'download', file: 'w', from: 'network', loaded: 5, total: 5 });
    expect(lines).toEqual([]);
  });

  it('rewrites one line on a terminal and ends it when the file is complete; cache reads are silent', () => {
    const { out, lines } = sink(true);
    const print = progressPrinter(out);
    print({
      kind: 'download',
      file: 'open_clip_model.safetensors',
      from: 'network',
      loaded: 2e6,
      total: 8e6,
    });
    print({
      kind: 'download',
      file: 'open_clip_model.safetensors',
      from: 'network',
      loaded: 8e6,
      total: 8e6,
    });
    print({ kind: 'download', file: 'tokenizer.json', from: 'cache', loaded: 9, total: 9 });
    expect(lines).toEqual([
      '\r\x1b[2Kwinclip: downloading open_clip_model.safetensors 2.0 MB of 8.0 MB (25%)',
      '\r\x1b[2Kwinclip: downloading open_clip_model.safetensors 8.0 MB of 8.0 MB (100%)\n',
    ]);
  });
});

describe('--model', () => {
  it('names both readings when the value is neither a folder nor a hub id', async () => {
    await expect(resolveModelArg('./no-such-folder', 'score')).rejects.toThrow(
      'score: model folder not found: ./no-such-folder (nor a hub id owner/name[@revision])',
    );
  });
});
