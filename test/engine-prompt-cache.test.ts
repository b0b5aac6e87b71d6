/**
 * Prompt embeddings exported by one engine and imported into a fresh one (as the app's persistent
 * cache does across reloads): the second engine embeds nothing and scores identically.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, fixturePrompts } from './fixture';

describe('prompt embedding import/export', () => {
  it('a fresh engine seeded with exported embeddings runs no text encoder and scores the same', async () => {
    const prompts = { normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous };
    const all = [...prompts.normal, ...prompts.anomalous];
    const a = await createNodeEngine(FIXTURE_DIR, 1);
    await a.setPrompts(prompts);
    const exported = a.exportPromptEmbeddings([...all, 'never embedded {}']);
    expect(exported.length).toBe(new Set(all).size);

    const b = await createNodeEngine(FIXTURE_DIR, 1);
    expect(b.importPromptEmbeddings(exported)).toBe(new Set(all).size);
    const res = await b.setPrompts(prompts);
    expect(res.embedded).toBe(0);
    expect(b.stats().textEncoderRuns).toBe(0);
    expect(b.stats().promptsEmbedded).toBe(0);

    const img = await decodeImageFile(join(FIXTURE_DIR, 'test_a.png'));
    await a.encode('x', img);
    b.putEncoded('x', a.getEncoded('x')!);
    expect((await b.score('x')).imageScore).toBe((await a.score('x')).imageScore);
    expect(() => b.importPromptEmbeddings([['p', new Float32Array(3)]])).toThrow(/3 values, expected/);
    await a.dispose();
    await b.dispose();
  });
});
