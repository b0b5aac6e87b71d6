/** The model cache: what is stored, how much space it takes, and clearing it. */
import { type CachedModelManifest, clearModelCache, deleteCachedModel } from '../../../io/model-cache';
import { formatBytes } from '../../model-loading/catalogue';
import { notify } from '../../state/store';

interface Props {
  entries: CachedModelManifest[];
  usage: { usage: number; quota: number } | null;
  onChanged: () => void;
}

function total(m: CachedModelManifest): number {
  return m.files.config.bytes + m.files.weights.bytes + m.files.tokenizer.bytes;
}

export function CachePanel({ entries, usage, onChanged }: Props) {
  return (
    <section className="panel-section" aria-labelledby="cache-h" data-testid="cache-panel">
      <h3 id="cache-h">Model cache</h3>
      {entries.length === 0 ? (
        <p className="muted">Nothing cached. Downloaded models are kept here for offline use.</p>
      ) : (
        <ul className="cache-list" aria-label="Cached models">
          {entries.map((m) => (
            <li key={m.id}>
              <div>
                <div>{m.label}</div>
                <div className="muted small">
                  {formatBytes(total(m))} · {new Date(m.savedAt).toLocaleString()}
                </div>
              </div>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Remove ${m.label} from the cache`}
                onClick={() => void deleteCachedModel(m.id).then(onChanged)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row between">
        <span className="muted small">
          {usage ? `Storage used ${formatBytes(usage.usage)} of ${formatBytes(usage.quota)}` : ''}
        </span>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={entries.length === 0}
          onClick={() =>
            void clearModelCache().then(() => {
              notify('info', 'Model cache cleared.');
              onChanged();
            })
          }
        >
          Clear cache
        </button>
      </div>
    </section>
  );
}
