/**
 * What the app knows about each gallery image's stored copy: its content hash and the model its
 * result came from (from the worker's StoredInfo), and the bytes its file, thumbnail and features take.
 * Shared by the inspection queue (which learns it) and the session service (which saves it).
 */
import type { StoredInfo } from '../../../workers/protocol';

export interface StoredMeta {
  contentHash: string | null;
  modelId: string | null;
  fileBytes: number;
  thumbBytes: number;
  featureBytes: number;
}

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

/** Records what the worker reported after scoring an image. */
export function noteScored(id: string, info: StoredInfo): void {
  const m = metaOf(id);
  m.contentHash = info.contentHash;
  m.modelId = modelId;
  m.featureBytes = info.featureBytes;
}

export function setMeta(id: string, meta: StoredMeta): void {
  metas.set(id, { ...meta });
}

export function dropMeta(id: string): void {
  metas.delete(id);
}
