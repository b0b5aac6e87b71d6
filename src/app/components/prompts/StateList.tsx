/** An editable list of state phrases ("{}" = object name): edit in place, add, remove, reset. */
import { useId, useState } from 'react';

/** Lets users type "with a scratch" and get "{} with a scratch": the placeholder goes where it reads naturally. */
function normalizeState(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (!t || t.includes('{}')) return t;
  return /^(with|without|missing|having|has|that|which|showing)\b/i.test(t) ? `{} ${t}` : `${t} {}`;
}

interface Props {
  title: string;
  kind: 'normal' | 'anomalous';
  states: string[];
  defaults: readonly string[];
  onChange: (next: string[]) => void;
}

export function StateList({ title, kind, states, defaults, onChange }: Props) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const isDefault = states.length === defaults.length && states.every((s, i) => s === defaults[i]);
  const add = () => {
    const s = normalizeState(draft);
    if (!s) return;
    onChange([...states, s]);
    setDraft('');
  };
  return (
    <fieldset className={`state-list state-${kind}`} data-testid={`states-${kind}`}>
      <legend>
        {title} <span className="muted">({states.length})</span>
      </legend>
      <ul>
        {states.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in an editable list
          <li key={i}>
            <input
              type="text"
              value={s}
              spellCheck={false}
              aria-label={`${title} ${i + 1}`}
              className={s.includes('{}') ? undefined : 'invalid'}
              onChange={(e) => onChange(states.map((x, j) => (j === i ? e.target.value : x)))}
            />
            <button
              type="button"
              className="icon-btn"
              aria-label={`Remove "${s}"`}
              onClick={() => onChange(states.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input
          id={`${id}-add`}
          type="text"
          value={draft}
          placeholder={kind === 'normal' ? 'e.g. clean {}' : 'e.g. with a scratch'}
          aria-label={`New ${kind} state`}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn btn-small" disabled={!draft.trim()}>
          Add
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={isDefault}
          onClick={() => onChange([...defaults])}
        >
          Reset
        </button>
      </form>
    </fieldset>
  );
}
