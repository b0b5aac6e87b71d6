/** UI-level model actions: pick a source by repo, URL or files, and settings that need an engine restart. */

import type { BackendChoice } from '../../../workers/protocol';
import { errorText } from '../../core/errors';
import { isRepoId, normalizeHubUrl } from '../../io/hub';
import { filesFromDataTransfer, identifyModelFiles, type LocalModelFiles } from '../../io/local-files';
import { catalogueEntry } from '../model-loading/catalogue';
import { notify, patchModel, patchSettings, useApp } from '../state/store';
import type { ModelSource } from '../state/types';
import { restartEngine } from './engine-service';
import { loadModel } from './model-service';

/** A hub model at `revision` (a branch, tag or commit; main when absent). */
export function hubSource(repo: string, revision?: string | null): ModelSource {
  const entry = catalogueEntry(repo);
  const label = entry ? `${entry.arch} · ${entry.pretrained}` : repo;
  return revision ? { kind: 'hub', repo, label, revision } : { kind: 'hub', repo, label };
}

export function urlSource(baseUrl: string): ModelSource {
  const clean = baseUrl.replace(/\/+$/, '');
  return { kind: 'url', baseUrl: clean, label: clean.replace(/^https?:\/\//, '') };
}

/** The hub model `repo` names, or null (with a notice) when it is no repo id. */
export function repoSource(repo: string): ModelSource | null {
  const id = repo.trim();
  if (isRepoId(id)) return hubSource(id);
  notify('error', `"${repo}" is not a hub repo id (expected owner/name).`);
  return null;
}

export function loadRepo(repo: string): void {
  const source = repoSource(repo);
  if (source) void loadModel(source);
}

function localSource(files: LocalModelFiles): ModelSource {
  return {
    kind: 'local',
    config: files.config,
    weights: files.weights,
    tokenizer: files.tokenizer,
    label: files.label,
  };
}

export function loadLocalFiles(files: File[]): void {
  try {
    void loadModel(localSource(identifyModelFiles(files)));
  } catch (err) {
    const message = errorText(err);
    patchModel({ phase: 'error', error: message, progress: null });
    notify('error', message);
  }
}

export function loadDroppedModel(dt: DataTransfer): void {
  filesFromDataTransfer(dt).then(loadLocalFiles, (err) =>
    notify('error', `Could not read the dropped files: ${errorText(err)}`),
  );
}

export function retryModel(): void {
  const source = useApp.getState().model.source;
  if (source) void loadModel(source);
}

/** Sets the hub base URL; returns an error message when it is not a URL. */
export function setHubUrl(input: string): string | null {
  try {
    patchSettings({ hubUrl: normalizeHubUrl(input) });
    return null;
  } catch (err) {
    return errorText(err);
  }
}

export function setBackend(backend: BackendChoice): void {
  if (useApp.getState().settings.backend === backend) return;
  patchSettings({ backend });
  restartEngine(`switching to ${backend === 'auto' ? 'automatic backend choice' : backend.toUpperCase()}`);
}
