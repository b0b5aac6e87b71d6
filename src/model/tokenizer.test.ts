import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../test/fixture';
import { ClipTokenizer } from './tokenizer';

const json = () => JSON.parse(readFileSync(join(FIXTURE_DIR, 'tokenizer.json'), 'utf8'));

describe('ClipTokenizer', () => {
  it('encodes with the start and end tokens, truncated to the context length', () => {
    const tok = new ClipTokenizer(json(), 8);
    // CLIP's ids: <|startoftext|> 49406, "a" 320, "photo" 1125, "of" 539, <|endoftext|> 49407.
    expect(Array.from(tok.encode('a photo of a'))).toEqual([49406, 320, 1125, 539, 320, 49407]);
    expect(Array.from(tok.encode('a photo of a photo of a photo'))).toEqual([
      49406, 320, 1125, 539, 320, 1125, 539, 49407,
    ]);
  });

  it('encodes the same from the checked bytes, parsed at the first encode', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURE_DIR, 'tokenizer.json')));
    const fromBytes = new ClipTokenizer(bytes, 8);
    const fromJson = new ClipTokenizer(json(), 8);
    for (const text of ['a photo of a', 'a cracked bottle, close up', 'x'.repeat(40)])
      expect(Array.from(fromBytes.encode(text))).toEqual(Array.from(fromJson.encode(text)));
  });

  it('refuses up front a file that is not a CLIP BPE tokenizer, saying what it lacks', () => {
    const noDecoder = json();
    delete noDecoder.decoder;
    expect(() => new ClipTokenizer(noDecoder)).toThrow(
      'tokenizer.json: not a BPE tokenizer file as CLIP uses (no decoder)',
    );
    const noMerges = json();
    delete noMerges.model.merges;
    expect(() => new ClipTokenizer(noMerges)).toThrow('(no model.merges list)');
    const noSpecial = json();
    delete noSpecial.model.vocab['<|startoftext|>'];
    expect(() => new ClipTokenizer(noSpecial)).toThrow('not a CLIP tokenizer');
  });

  it('builds the tokenizer at the first encode: what only building finds is reported then, worded', () => {
    const odd = json();
    odd.normalizer = { type: 'NoSuchNormalizer' };
    const tok = new ClipTokenizer(odd);
    expect(() => tok.encode('a')).toThrow(/^tokenizer\.json could not be read: .*NoSuchNormalizer/);
  });
});
