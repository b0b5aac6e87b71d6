/**
 * `winclip score`: zero-shot (no --ref) or few-shot (--ref …) scoring of images with a model folder.
 * Results: {"images": [{file, width, height, image_score, anomaly_map}]} (map row-major H·W), or
 * {file, error} for an image that could not be scored; see SCORE_SPEC for the flags.
 */
import { readFile } from 'node:fs/promises';
import { buildPromptSet, DEFAULT_OBJECT_NAME } from '../core/prompts';
import type { PromptSet, RgbImage } from '../core/types';
import { createNodeEngine } from '../engine/node';
import { decodeImageBytes } from '../io/decode-node';
import { parseCommand } from './flags';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { CsvWriter, type ImageRecord, JsonResultsWriter, writeMapFiles } from './outputs';
import { SCORE_SPEC } from './specs';

export async function readPromptsFile(path: string): Promise<PromptSet> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`--prompts ${path}: ${err instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`);
  }
  const p = raw as { normal?: unknown; anomalous?: unknown };
  const ok = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
  if (!ok(p.normal) || !ok(p.anomalous)) {
    throw new Error(`--prompts ${path}: needs non-empty string arrays "normal" and "anomalous"`);
  }
  return { normal: p.normal, anomalous: p.anomalous };
}

/** Reads and decodes one image; messages name the path as given. */
async function readImage(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return decodeImageBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function runScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(SCORE_SPEC, argv);
  if (!values.model) throw new Error('score: --model <dir> is required (see winclip score --help)');
  if (positionals.length === 0) throw new Error('score: give at least one image, folder or glob');
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (!(temperature > 0))
      throw new Error(`score: --temperature must be a positive number, got '${values.temperature}'`);
  }
  const files = await expandInputs(positionals);
  const refs = await expandInputs(values.ref ?? [], '--ref');
  const prompts = values.prompts
    ? await readPromptsFile(values.prompts)
    : buildPromptSet({ objectName: values.object ?? DEFAULT_OBJECT_NAME });

  const engine = await createNodeEngine(values.model);
  try {
    await engine.setPrompts(prompts);
    for (const [i, ref] of refs.entries()) {
      // A reference that cannot be read would silently change every score: it stops the run.
      await engine.addReference(`ref:${i}:${ref}`, await readImage(ref));
    }
    const json = await JsonResultsWriter.open(
      values.out ?? process.stdout,
      !!values.out || !!values['print-maps'],
    );
    const csv = values.csv ? await CsvWriter.open(values.csv) : null;
    const rel = relativeToCommonFolder(files);
    let failed = 0;
    for (const [i, file] of files.entries()) {
      let record: ImageRecord;
      try {
        const key = `img:${i}:${file}`;
        let image: RgbImage | null = await readImage(file);
        await engine.encode(key, image);
        // The pixels are only needed again for the overlay; let a large image go before its map is built.
        if (!values.maps) image = null;
        const r = await engine.score(key, { temperature });
        engine.forget(key);
        record = {
          file,
          width: r.width,
          height: r.height,
          imageScore: r.imageScore,
          anomalyMap: r.anomalyMap,
        };
        if (image && values.maps) await writeMapFiles(values.maps, rel[i], image, record);
      } catch (err) {
        failed++;
        const m = message(err);
        record = { file, error: m.startsWith(file) ? m : `${file}: ${m}` };
        process.stderr.write(`winclip: ${record.error}\n`);
      }
      await json.add(record);
      await csv?.add(record);
    }
    await json.close();
    await csv?.close();
    if (failed > 0)
      process.stderr.write(`winclip: ${failed} of ${files.length} images could not be scored\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    await engine.dispose();
  }
}
