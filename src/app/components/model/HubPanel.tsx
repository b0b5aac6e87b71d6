/** Hugging Face hub: base URL (for mirrors), the built-in catalogue, and any other repo id. */
import { useEffect, useState } from 'react';
import { DEFAULT_HUB_URL } from '../../../io/hub';
import { CATALOGUE, formatBytes } from '../../model-loading/catalogue';
import { expectedCost } from '../../model-loading/model-costs';
import { threadLimit } from '../../services/engine-service';
import { loadRepo, setHubUrl } from '../../services/model-actions';
import { useApp } from '../../state/store';

export function HubPanel({ cachedRepos }: { cachedRepos: Set<string> }) {
  const hubUrl = useApp((s) => s.settings.hubUrl);
  const model = useApp((s) => s.model);
  const busy = model.phase === 'fetching' || model.phase === 'building';
  const [hubText, setHubText] = useState(hubUrl);
  const [hubError, setHubError] = useState<string | null>(null);
  const [repo, setRepo] = useState('');
  useEffect(() => setHubText(hubUrl), [hubUrl]);
  const activeRepo = model.source?.kind === 'hub' ? model.source.repo : null;
  const backend = useApp((s) => s.engine.backend);

  return (
    <section className="panel-section" aria-labelledby="hub-h">
      <h3 id="hub-h">Hugging Face hub</h3>
      <div className="field">
        <label htmlFor="hub-url">Hub URL</label>
        <div className="row">
          <input
            id="hub-url"
            className="grow"
            type="url"
            value={hubText}
            spellCheck={false}
            onChange={(e) => setHubText(e.target.value)}
            onBlur={() => setHubError(setHubUrl(hubText))}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setHubError(setHubUrl(hubText));
            }}
          />
          {hubUrl !== DEFAULT_HUB_URL && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setHubError(setHubUrl(DEFAULT_HUB_URL))}
            >
              Reset
            </button>
          )}
        </div>
        {hubError && <p className="field-error">{hubError}</p>}
      </div>
      <ul className="catalogue" aria-label="Model catalogue">
        {CATALOGUE.map((e) => (
          <li key={e.repo} className={activeRepo === e.repo ? 'active' : undefined}>
            <div className="cat-main">
              <div className="cat-title">
                {e.arch} <span className="muted">· {e.pretrained}</span>
                {e === CATALOGUE[0] && <span className="tag">default</span>}
                {cachedRepos.has(e.repo) && <span className="tag tag-cached">cached</span>}
              </div>
              <div className="cat-sub mono" title={e.repo}>
                {e.repo}
              </div>
              <div className="cat-sub">
                {formatBytes(e.approxBytes)} · {e.note}
              </div>
              <CostLine arch={e.arch} bytes={e.approxBytes} backend={backend} />
            </div>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              aria-label={`Load ${e.arch} ${e.pretrained}`}
              onClick={() => loadRepo(e.repo)}
            >
              {activeRepo === e.repo && model.phase === 'ready' ? 'Reload' : 'Load'}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="field"
        onSubmit={(ev) => {
          ev.preventDefault();
          loadRepo(repo);
        }}
      >
        <label htmlFor="custom-repo">Other OpenCLIP repo</label>
        <div className="row">
          <input
            id="custom-repo"
            className="grow"
            type="text"
            placeholder="owner/name"
            spellCheck={false}
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
          />
          <button type="submit" className="btn btn-small" disabled={busy || !repo.trim()}>
            Load
          </button>
        </div>
      </form>
    </section>
  );
}

/** Expected memory and time per image of a catalogue model on the backend that runs now. */
function CostLine({ arch, bytes, backend }: { arch: string; bytes: number; backend: string | null }) {
  const cost = expectedCost(arch, bytes, backend, threadLimit());
  if (!cost) return null;
  const time =
    cost.secondsPerImage === null
      ? 'time depends on the GPU'
      : `≈ ${cost.secondsPerImage < 10 ? cost.secondsPerImage.toFixed(1) : cost.secondsPerImage.toFixed(0)} s per image, ${cost.threads} thread${cost.threads === 1 ? '' : 's'}`;
  return (
    <div className="cat-sub cat-cost" data-testid="catalogue-cost">
      {backend === 'webgpu' ? 'WebGPU' : 'WASM'}: ≈ {formatBytes(cost.peakBytes)} of memory while loading ·{' '}
      {time}
    </div>
  );
}
