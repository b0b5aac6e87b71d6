/** The Model tab: status, hub catalogue, local files, cache and backend. */
import { useCallback, useEffect, useState } from 'react';
import type { BackendChoice } from '../../../../workers/protocol';
import { type CachedModelManifest, listCachedModels, storageEstimate } from '../../../io/model-cache';
import { setBackend } from '../../services/model-actions';
import { useApp } from '../../state/store';
import { Segmented } from '../common/Segmented';
import { CachePanel } from './CachePanel';
import { HubPanel } from './HubPanel';
import { LocalFilesPanel } from './LocalFilesPanel';
import { ModelStatus } from './ModelStatus';

export function ModelManager() {
  const phase = useApp((s) => s.model.phase);
  const backend = useApp((s) => s.settings.backend);
  const [entries, setEntries] = useState<CachedModelManifest[]>([]);
  const [usage, setUsage] = useState<{ usage: number; quota: number } | null>(null);
  const refresh = useCallback(() => {
    void listCachedModels().then(setEntries);
    void storageEstimate().then(setUsage);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the cache changes when a load ends
  useEffect(refresh, [phase, refresh]);
  const cachedRepos = new Set(entries.flatMap((m) => (m.source.kind === 'hub' ? [m.source.repo] : [])));

  return (
    <div className="model-manager">
      <ModelStatus />
      <HubPanel cachedRepos={cachedRepos} />
      <LocalFilesPanel />
      <CachePanel entries={entries} usage={usage} onChanged={refresh} />
      <section className="panel-section" aria-labelledby="backend-h">
        <h3 id="backend-h">Inference backend</h3>
        <Segmented<BackendChoice>
          label="Inference backend"
          value={backend}
          options={[
            { value: 'auto', label: 'Auto' },
            { value: 'webgpu', label: 'WebGPU' },
            { value: 'wasm', label: 'WASM' },
          ]}
          onChange={setBackend}
        />
        <p className="muted small">
          Auto uses WebGPU when the browser offers a GPU adapter, else WASM (CPU).
        </p>
      </section>
    </div>
  );
}
