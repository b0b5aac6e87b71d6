/**
 * What the app knows about each gallery image's stored copy: its content hash and the model its
 * result came from (from the worker's StoredInfo), and the bytes its file, thumbnail and features take.
 * Shared by the inspection queue (which learns it) and the session service (which saves it).
 */
import type { StoredInfo } from '../../../workers/protocol';
import type { SessionImageRecordOf } from '../../io/app-databases';
import type { AppState } from '../state/store';
import { promptsBasis } from '../state/threshold-decisions';

/** The stored record's fields the app keeps per image (their meaning: SessionImageRecordOf). */
export type StoredMeta = Pick<
  SessionImageRecordOf<unknown>,
  'contentHash' | 'modelId' | 'basis' | 'fileBytes' | 'thumbBytes' | 'featureBytes'
>;

const metas = new Map<string, StoredMeta>();
let modelId: string | null = null;

export function setCurrentModelId(id: string | null): void {
  modelId = id;
}

export function metaOf(id: string): StoredMeta {
  let m = metas.get(id);
  if (!m) {
    m = { contentHash: null, modelId: null, fileBytes: 0, thumbBytes: 0, featureBytes: 0 };
    metas.set(id, m);
  }
  return m;
}

/**
 * What a result depends on besides the model and the image: the prompts and the ready references. A
 * stored result made under others (a prompt edit or bank change whose re-score had not run when the
 * page closed) is not kept on the next visit.
 */
export function scoringBasis(s: Pick<AppState, 'prompts' | 'references'>): string {
  const bank = s.references.filter((r) => r.status === 'ready').map((r) => r.id);
  return `${promptsBasis(s.prompts)}|${bank.join(',')}`;
}

/** Records what the worker reported after scoring an image, and what it was scored under. */
export function noteScored(id: string, info: StoredInfo, basis: string | null): void {
  const m = metaOf(id);
  m.contentHash = info.contentHash;
  m.modelId = modelId;
  m.featureBytes = info.featureBytes;
  m.basis = basis;
}

/** Fresh scores under `basis` (a re-score from cached features). */
export function noteRescored(ids: Iterable<string>, basis: string): void {
  for (const id of ids) metaOf(id).basis = basis;
}

export function setMeta(id: string, meta: StoredMeta): void {
  metas.set(id, { ...meta });
}

export function dropMeta(id: string): void {
  metas.delete(id);
}
