/** Left panel with five tabs: Model, Reference bank, Prompts, Calibration, Sessions. */
import { patchUi, useApp } from '../state/store';
import type { SideTab } from '../state/types';
import { CalibrationPanel } from './calibration/CalibrationPanel';
import { ModelManager } from './model/ModelManager';
import { PromptEditor } from './prompts/PromptEditor';
import { RecipeBar } from './recipe/RecipeBar';
import { ReferenceBank } from './references/ReferenceBank';
import { SessionsPanel } from './sessions/SessionsPanel';

const TABS: { id: SideTab; label: string }[] = [
  { id: 'model', label: 'Model' },
  { id: 'references', label: 'References' },
  { id: 'prompts', label: 'Prompts' },
  { id: 'calibration', label: 'Calibration' },
  { id: 'sessions', label: 'Sessions' },
];

export function SidePanel() {
  const tab = useApp((s) => s.ui.sideTab);
  const k = useApp((s) => s.references.length);
  return (
    <aside className="side" aria-label="Setup">
      <div className="tabs" role="tablist" aria-label="Setup sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={tab === t.id ? 'on' : undefined}
            onClick={() => patchUi({ sideTab: t.id })}
          >
            {t.label}
            {t.id === 'references' && k > 0 ? <span className="tab-count">{k}</span> : null}
          </button>
        ))}
      </div>
      <div className="side-body" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'model' && <ModelManager />}
        {tab === 'references' && <ReferenceBank />}
        {tab === 'prompts' && <PromptEditor />}
        {tab === 'sessions' && <SessionsPanel />}
        {tab === 'calibration' && <CalibrationPanel />}
      </div>
      <RecipeBar />
    </aside>
  );
}
