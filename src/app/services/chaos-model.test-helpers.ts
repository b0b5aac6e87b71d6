/**
 * A plain in-memory model of what the user should see after each action, with the decision rules:
 * a threshold the user set (by hand, from marks, from a recipe) stays until the user changes it; a
 * calibration is offered, not applied over it; a user's threshold follows the bank to another few-shot
 * K unless that K has one the user set; a new session starts with empty part/lot/station; a session
 * reopens with its own prompts and bank; nothing the user did is lost by a reload.
 */
import { type SuggestedThresholds, suggestThresholds } from '../../core/calibration';
import { DEFAULT_ANOMALOUS_STATES, DEFAULT_NORMAL_STATES, DEFAULT_TEMPLATES } from '../../core/prompts';
import { bytesKey, fakeLoo, fakeScore, pngBytes, promptsKeyOf } from './chaos-engine.test-helpers';
import type { View } from './chaos-page.test-helpers';

type Source = 'reference-bank' | 'labels' | 'manual' | 'recipe';
interface Entry {
  image: number;
  pixel: number;
  source: Source;
}

interface Setup {
  objectName: string;
  refs: string[];
  /** The mode it was left in and that mode's thresholds then (null: none set, defaults shown). */
  mode: string;
  entry: Entry | null;
}

interface Session {
  name: string;
  part: string;
  lot: string;
  station: string;
  images: string[];
  /** The setup it was left with (null while it was never left). */
  setup: Setup | null;
}

export const DEFAULT_OBJECT = 'object';
const DEFAULT_T = { image: 0.5, pixel: 0.5 };

const promptsKey = (objectName: string) =>
  promptsKeyOf(objectName, {
    normalStates: DEFAULT_NORMAL_STATES,
    anomalousStates: DEFAULT_ANOMALOUS_STATES,
    templates: DEFAULT_TEMPLATES,
  });
const keyOfName = (name: string) => bytesKey(pngBytes(name));

export class Model {
  sessions: Session[] = [{ name: 'Session 1', part: '', lot: '', station: '', images: [], setup: null }];
  active = 0;
  objectName = DEFAULT_OBJECT;
  refs: string[] = [];
  byMode: Record<string, Entry> = {};
  marks: Record<string, 'OK' | 'NG'> = {};
  /** The few-shot key the bank last settled in (null after a reload: nothing to carry from). */
  settledKey: string | null = 'zero-shot';
  private counter = 0;

  fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}.png`;
  }

  get images(): string[] {
    return this.sessions[this.active].images;
  }

  set images(v: string[]) {
    this.sessions[this.active].images = v;
  }

  key(): string {
    return this.refs.length === 0 ? 'zero-shot' : `few-shot:${this.refs.length}`;
  }

  sliders(): { image: number; pixel: number } {
    const e = this.byMode[this.key()];
    return e ? { image: e.image, pixel: e.pixel } : { ...DEFAULT_T };
  }

  suggestion(): SuggestedThresholds | null {
    if (this.refs.length < 2) return null;
    const p = promptsKey(this.objectName);
    const keys = this.refs.map(keyOfName);
    return suggestThresholds(
      keys.map((k, i) =>
        fakeLoo(
          k,
          p,
          keys.filter((_, j) => j !== i),
        ),
      ),
    );
  }

  private userSet(key: string): boolean {
    const e = this.byMode[key];
    return e !== undefined && e.source !== 'reference-bank';
  }

  /** The bank settled in `key`: a user's few-shot threshold goes along unless the new K has its own. */
  bankSettled(key: string): void {
    const from = this.settledKey;
    this.settledKey = key;
    if (from === null || from === key || !from.startsWith('few-shot') || !key.startsWith('few-shot')) return;
    if (this.userSet(from) && !this.userSet(key)) this.byMode[key] = { ...this.byMode[from] };
  }

  /** The calibration of the settled bank: taken where no user's threshold is, else only offered. */
  calibrate(): void {
    const s = this.suggestion();
    const key = this.key();
    if (s && !this.userSet(key))
      this.byMode[key] = { image: s.image, pixel: s.pixel, source: 'reference-bank' };
  }

  /** The active session is left: its setup is what it comes back with. */
  leave(): void {
    const mode = this.key();
    const e = this.byMode[mode];
    this.sessions[this.active].setup = {
      objectName: this.objectName,
      refs: this.refs,
      mode,
      entry: e ? { ...e } : null,
    };
  }

  /** Session `j` is reopened: its prompts and bank, then its thresholds for the mode it was left in. */
  reopen(j: number): void {
    this.active = j;
    const setup = this.sessions[j].setup!;
    this.objectName = setup.objectName;
    this.refs = setup.refs;
    this.bankSettled(this.key());
    if (setup.entry) this.byMode[setup.mode] = { ...setup.entry };
    else delete this.byMode[setup.mode];
  }

  setThreshold(t: { image: number; pixel: number }, source: Source, key = this.key()): void {
    this.byMode[key] = { image: t.image, pixel: t.pixel, source };
  }

  view(): View {
    const p = promptsKey(this.objectName);
    const bank = this.refs.map(keyOfName);
    return {
      sessions: this.sessions.map(({ name, part, lot, station }) => ({ name, part, lot, station })),
      active: this.active,
      images: this.images.map((name) => ({
        name,
        status: 'done',
        score: fakeScore(keyOfName(name), p, bank),
        mark: this.marks[name] ?? null,
      })),
      objectName: this.objectName,
      refs: this.refs.map((r) => `${r}:ready`),
      sliders: this.sliders(),
      byMode: structuredClone(this.byMode),
    };
  }
}
