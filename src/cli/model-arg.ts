/**
 * `--model`: a local model folder, or a hub model `owner/name[@revision]` fetched into the Hugging Face
 * cache (src/io/hub-cache-node.ts). A folder that exists wins over a hub id of the same spelling.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatBytes } from '../core/format-bytes';
import type { RecipeModel } from '../core/recipe';
import { DEFAULT_REVISION, type DownloadProgress, parseHubRef } from '../io/hub';
import { hubEnv } from '../io/hub-cache-node';
import { hubModelPaths } from '../io/hub-model-node';
import { type ModelPaths, modelDirPaths } from '../io/model-dir-node';

export interface CliModel {
  paths: ModelPaths;
  /** The folder holding config and weights (a hub snapshot for hub models). */
  dir: string;
  /** What the user named: the folder, or `owner/name@commit`. */
  label: string;
  hub: { repo: string; commit: string } | null;
}

interface ProgressOut {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Live download progress on a terminal (one rewritten line); nothing when stderr is not a terminal. */
export function progressPrinter(out: ProgressOut): (p: DownloadProgress) => void {
  if (!out.isTTY) return () => undefined;
  let last = 0;
  return (p) => {
    if (p.from !== 'network') return;
    const done = p.total > 0 && p.loaded >= p.total;
    const now = Date.now();
    if (!done && now - last < 200) return;
    last = now;
    const pct = p.total > 0 ? ` (${Math.floor((100 * p.loaded) / p.total)}%)` : '';
    const size = p.total > 0 ? ` of ${formatBytes(p.total)}` : '';
    out.write(
      `\r\x1b[2Kwinclip: downloading ${p.file} ${formatBytes(p.loaded)}${size}${pct}${done ? '\n' : ''}`,
    );
  };
}

/**
 * Resolves the flag's value to files on disk. A recipe made with a hub model pins its commit when the
 * same repo is given without an explicit @revision.
 */
export async function resolveModelArg(
  value: string,
  command: string,
  opts: { pin?: RecipeModel | null; stderr?: ProgressOut } = {},
): Promise<CliModel> {
  const local = await stat(value).catch(() => null);
  const ref = parseHubRef(value);
  if (local?.isDirectory() || !ref) {
    if (!local && !ref)
      throw new Error(`${command}: model folder not found: ${value} (nor a hub id owner/name[@revision])`);
    const paths = await modelDirPaths(value);
    return { paths, dir: value, label: value, hub: null };
  }
  let { repo, revision } = ref;
  const pin = opts.pin;
  if (!value.includes('@') && pin?.source.kind === 'hub' && pin.source.repo === repo && pin.commit)
    revision = pin.commit;
  const paths = await hubModelPaths({
    repo,
    revision: revision || DEFAULT_REVISION,
    env: hubEnv(),
    onProgress: progressPrinter(opts.stderr ?? process.stderr),
  });
  return {
    paths,
    dir: dirname(paths.weights),
    label: `${repo}@${paths.commit}`,
    hub: { repo, commit: paths.commit },
  };
}
