/**
 * Sessions tab: name the current session (part, lot, station), start a new one, reopen or delete an
 * earlier one; what storage holds, per session and in total, and clearing it. A new session asks for
 * its part, lot and station, with the previous session's one click away.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../../model-loading/catalogue';
import {
  clearAllStorage,
  deleteSession,
  newSession,
  openSession,
  refreshStorage,
  renameSession,
  storageText,
} from '../../services/session-service';
import { type SessionNaming, type SessionSummary, useSessions } from '../../state/session-store';
import { useApp } from '../../state/store';

function sessionDetails(s: SessionSummary): string {
  const parts = [s.part && `part ${s.part}`, s.lot && `lot ${s.lot}`, s.station && `station ${s.station}`];
  return parts.filter(Boolean).join(' · ');
}

function imagesText(n: number): string {
  return `${n} image${n === 1 ? '' : 's'}`;
}

interface FieldProps {
  label: string;
  value: string;
  onCommit: (v: string) => void;
  /** The previous session's value, offered while this one is empty. */
  previous?: string;
  /** Take the focus when this turns true (a new session asks for its part first). */
  askFocus?: boolean;
}

function Field({ label, value, onCommit, previous, askFocus }: FieldProps) {
  const [text, setText] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    // The new session is entered a moment after the click: by then the operator may be typing in
    // another field (a threshold), whose keystrokes must not land in this one.
    const typingElsewhere = document.activeElement?.closest(
      'input, textarea, select, [contenteditable="true"]',
    );
    if (askFocus && !typingElsewhere) input.current?.focus();
  }, [askFocus]);
  const offer = previous && !value && !text ? previous : null;
  return (
    <div className="session-field">
      <label className="field">
        <span>{label}</span>
        <input
          type="text"
          value={text}
          aria-label={`Session ${label.toLowerCase()}`}
          placeholder={offer ? `was ${offer}` : undefined}
          ref={input}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => text !== value && onCommit(text.trim())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
        />
      </label>
      {offer && (
        <button
          type="button"
          className="btn btn-small btn-ghost suggestion"
          aria-label={`Use the previous ${label.toLowerCase()} ${offer}`}
          onClick={() => onCommit(offer)}
        >
          Use {offer}
        </button>
      )}
    </div>
  );
}

function CurrentSession({ s, asked }: { s: SessionSummary; asked: SessionNaming | null }) {
  const live = useApp(useShallow((st) => ({ n: st.images.length })));
  return (
    <section className="panel-section" data-testid="current-session">
      <h3>Current session</h3>
      <Field label="Name" value={s.name} onCommit={(name) => name && void renameSession({ name })} />
      {asked && !(s.part && s.lot && s.station) && (
        <p className="small warn-text" data-testid="session-asks">
          New session: enter its part, lot and station.
        </p>
      )}
      <div className="field-row">
        <Field
          label="Part"
          value={s.part}
          previous={asked?.part}
          askFocus={asked !== null}
          onCommit={(part) => void renameSession({ part })}
        />
        <Field
          label="Lot"
          value={s.lot}
          previous={asked?.lot}
          onCommit={(lot) => void renameSession({ lot })}
        />
        <Field
          label="Station"
          value={s.station}
          previous={asked?.station}
          onCommit={(station) => void renameSession({ station })}
        />
      </div>
      <p className="muted small" data-testid="current-session-size">
        {imagesText(live.n)} · {formatBytes(s.bytes)} stored
      </p>
    </section>
  );
}

export function SessionsPanel() {
  const { sessions, activeId, unsaved, busy, storage, asked } = useSessions(
    useShallow((s) => ({
      sessions: s.sessions,
      activeId: s.activeId,
      unsaved: s.unsaved.length,
      busy: s.busy,
      storage: s.storage,
      asked: s.asked,
    })),
  );
  const liveImages = useApp((st) => st.images.length);
  const [name, setName] = useState('');
  const [confirmAll, setConfirmAll] = useState(false);
  const active = sessions.find((s) => s.id === activeId) ?? null;
  useEffect(() => {
    void refreshStorage();
  }, []);
  return (
    <div className="sessions" data-testid="sessions-panel">
      {/* Keyed by session, so a new session's fields mount empty and the first one takes the focus. */}
      {active && (
        <CurrentSession
          key={active.id}
          s={active}
          asked={asked?.session === active.id ? asked.previous : null}
        />
      )}
      <section className="panel-section">
        <form
          className="new-session"
          onSubmit={(e) => {
            e.preventDefault();
            void newSession(name);
            setName('');
          }}
        >
          <input
            type="text"
            value={name}
            placeholder={`Session ${sessions.length + 1}`}
            aria-label="New session name"
            className="new-session-name"
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
            New session
          </button>
        </form>
        <p className="muted small">
          A new session starts with an empty gallery and the current prompts, references and thresholds; it
          asks for its own part, lot and station.
        </p>
      </section>
      <section className="panel-section">
        <h3>Sessions</h3>
        <ul className="session-list" data-testid="session-list">
          {[...sessions].reverse().map((s) => (
            <li
              key={s.id}
              className={s.id === activeId ? 'on' : undefined}
              data-testid="session-item"
              data-name={s.name}
            >
              <div className="session-main">
                <span className="session-name">{s.name}</span>
                <span className="muted small">
                  {[
                    sessionDetails(s),
                    imagesText(s.id === activeId ? liveImages : s.images),
                    formatBytes(s.bytes),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <span className="muted small">{new Date(s.updatedAt).toLocaleString()}</span>
              </div>
              {s.id === activeId ? (
                <span className="pill">Current</span>
              ) : (
                <span className="session-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy}
                    aria-label={`Open session ${s.name}`}
                    onClick={() => void openSession(s.id)}
                  >
                    Open
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost btn-danger"
                    disabled={busy}
                    aria-label={`Delete session ${s.name}`}
                    onClick={() => void deleteSession(s.id)}
                  >
                    Delete
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel-section" data-testid="storage">
        <h3>Storage</h3>
        <p className="small" data-testid="storage-used">
          {storage ? storageText() : 'Storage use unknown'}
        </p>
        {unsaved > 0 && (
          <p className="warn-text" role="alert" data-testid="unsaved">
            {unsaved} image{unsaved === 1 ? ' is' : 's are'} not saved (storage full): they stay on screen
            until the page is closed. Delete older sessions to make room.
          </p>
        )}
        {confirmAll ? (
          <span className="confirm">
            <span className="small">Delete every session, image and stored feature?</span>
            <button
              type="button"
              className="btn btn-small btn-danger"
              onClick={() => {
                setConfirmAll(false);
                void clearAllStorage();
              }}
            >
              Delete all
            </button>
            <button type="button" className="btn btn-small" onClick={() => setConfirmAll(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={busy}
            onClick={() => setConfirmAll(true)}
          >
            Clear all stored sessions…
          </button>
        )}
      </section>
    </div>
  );
}
