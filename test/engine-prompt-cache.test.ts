/**
 * Prompt embeddings exported by one engine and imported into a fresh one (as the app's persistent
 * cache does across reloads): the second engine embeds nothing and scores identically. An engine whose
 * text session waits for its first run (the app on WASM) creates it only when a prompt needs embedding.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { WinclipEngine } from '../src/engine/engine';
import type { OrtRuntime } from '../src/engine/runtime';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { decodeImageFile } from '../src/io/decode-node';
import { loadModelDir } from '../src/io/model-dir-node';
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

/** The node runtime, counting the sessions it created and released. */
function countingRuntime() {
  const runtime = createNodeRuntime(1);
  const count = { created: 0, released: 0 };
  const counting: OrtRuntime = {
    ...runtime,
    createSession: async (graph) => {
      const session = await runtime.createSession(graph);
      count.created++;
      return {
        run: (feeds, fetch) => session.run(feeds, fetch),
        release: async () => {
          count.released++;
          await session.release();
        },
      };
    },
  };
  return { counting, count };
}

describe('text session at its first run', () => {
  it('is not created while every embedding is imported, and embeds exactly as an eager one once needed', async () => {
    const prompts = { normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous };
    const all = [...prompts.normal, ...prompts.anomalous];
    const eager = await createNodeEngine(FIXTURE_DIR, 1);
    await eager.setPrompts(prompts);

    const { counting, count } = countingRuntime();
    const lazy = await WinclipEngine.create(
      await loadModelDir(FIXTURE_DIR),
      counting,
      {},
      {
        textOnFirstRun: true,
      },
    );
    // The image encoder and the association graph.
    expect(count.created).toBe(2);
    lazy.importPromptEmbeddings(eager.exportPromptEmbeddings(all));
    expect((await lazy.setPrompts(prompts)).embedded).toBe(0);
    expect(count.created).toBe(2);
    expect(lazy.stats().textEncoderRuns).toBe(0);

    // A prompt not seen before: the text session is created, and embeds as the eager engine's does.
    const more = ['a photo of a cracked widget.', 'a photo of a flawless widget.'];
    const got = await lazy.embedPrompts(more);
    expect(count.created).toBe(3);
    expect(lazy.stats().textEncoderRuns).toBe(1);
    expect(lazy.stats().promptsEmbedded).toBe(2);
    expect(Array.from(got)).toEqual(Array.from(await eager.embedPrompts(more)));
    await lazy.embedPrompts(['a photo of a bent widget.']);
    expect(count.created).toBe(3);

    await lazy.dispose();
    expect(count.released).toBe(3);
    await eager.dispose();
  });

  it('is released uncreated when no prompt needed it', async () => {
    const { counting, count } = countingRuntime();
    const lazy = await WinclipEngine.create(
      await loadModelDir(FIXTURE_DIR),
      counting,
      {},
      {
        textOnFirstRun: true,
      },
    );
    await lazy.dispose();
    expect(count).toEqual({ created: 2, released: 2 });
  });
});
