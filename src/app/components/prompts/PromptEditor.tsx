/**
 * The prompt editor: object name, normal and anomalous states, templates (advanced). Every edit is
 * applied live (debounced): only new prompts are embedded and every encoded image is re-scored.
 */
import { useEffect, useState } from 'react';
import { DEFAULT_ANOMALOUS_STATES, DEFAULT_NORMAL_STATES, DEFAULT_TEMPLATES } from '../../../core/prompts';
import { formatMs } from '../../hooks';
import { promptProblem, promptSetOf, updatePrompts } from '../../services/prompt-service';
import { useApp } from '../../state/store';
import { StateList } from './StateList';

function TemplatesEditor({ templates }: { templates: string[] }) {
  const [text, setText] = useState(templates.join('\n'));
  // Outside changes (reset, reload) replace the text; own edits keep the user's blank lines while typing.
  useEffect(() => {
    setText((prev) => {
      const parsed = prev
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return parsed.join('\n') === templates.join('\n') ? prev : templates.join('\n');
    });
  }, [templates]);
  const isDefault = templates.join('\n') === DEFAULT_TEMPLATES.join('\n');
  return (
    <div className="field">
      <label htmlFor="templates">Templates, one per line ({templates.length})</label>
      <textarea
        id="templates"
        rows={10}
        spellCheck={false}
        value={text}
        data-testid="templates"
        onChange={(e) => {
          setText(e.target.value);
          updatePrompts({
            templates: e.target.value
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean),
          });
        }}
      />
      <div className="row">
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={isDefault}
          onClick={() => updatePrompts({ templates: [...DEFAULT_TEMPLATES] })}
        >
          Reset to the paper's 22 templates
        </button>
      </div>
    </div>
  );
}

function PromptStatusLine() {
  const st = useApp((s) => s.promptStatus);
  const prompts = useApp((s) => s.prompts);
  const problem = promptProblem(prompts);
  const set = problem ? null : promptSetOf(prompts);
  return (
    <div className="prompt-status" aria-live="polite" data-testid="prompt-status">
      {problem ? (
        <p className="field-error">{problem}</p>
      ) : (
        <p>
          <b>{(set?.normal.length ?? 0) + (set?.anomalous.length ?? 0)}</b> prompts · {set?.normal.length}{' '}
          normal · {set?.anomalous.length} anomalous
        </p>
      )}
      {st.busy ? (
        <p className="muted">Updating…</p>
      ) : st.lastEmbedded !== null ? (
        <p className="muted" data-testid="prompt-timing">
          {st.lastEmbedded} new prompt{st.lastEmbedded === 1 ? '' : 's'} embedded in{' '}
          {formatMs(st.lastEmbedMs)}
          {st.lastRescoreCount !== null && st.lastRescoreMs !== null
            ? ` · ${st.lastRescoreCount} image${st.lastRescoreCount === 1 ? '' : 's'} re-scored in ${formatMs(st.lastRescoreMs)}`
            : ''}
          {st.lastTotalMs !== null ? ` · ${formatMs(st.lastTotalMs)} in all` : ''}
        </p>
      ) : null}
      {st.error && !problem && <p className="field-error">{st.error}</p>}
    </div>
  );
}

export function PromptEditor() {
  const prompts = useApp((s) => s.prompts);
  const example = promptProblem(prompts) ? null : promptSetOf(prompts);
  return (
    <div className="prompt-editor" data-testid="prompt-editor">
      <section className="panel-section">
        <div className="field">
          <label htmlFor="object-name">Object name</label>
          <input
            id="object-name"
            type="text"
            value={prompts.objectName}
            spellCheck={false}
            onChange={(e) => updatePrompts({ objectName: e.target.value })}
          />
        </div>
        <PromptStatusLine />
        {example && (
          <div className="prompt-examples muted small">
            <div>
              <span className="tag">normal</span> {example.normal[0]}
            </div>
            <div>
              <span className="tag tag-ng">anomalous</span> {example.anomalous[0]}
            </div>
          </div>
        )}
      </section>
      <section className="panel-section">
        <StateList
          title="Normal states"
          kind="normal"
          states={prompts.normalStates}
          defaults={DEFAULT_NORMAL_STATES}
          onChange={(normalStates) => updatePrompts({ normalStates })}
        />
        <StateList
          title="Anomalous states"
          kind="anomalous"
          states={prompts.anomalousStates}
          defaults={DEFAULT_ANOMALOUS_STATES}
          onChange={(anomalousStates) => updatePrompts({ anomalousStates })}
        />
      </section>
      <section className="panel-section">
        <details>
          <summary>Advanced: templates</summary>
          <TemplatesEditor templates={prompts.templates} />
        </details>
      </section>
    </div>
  );
}
