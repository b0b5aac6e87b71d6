/**
 * The user's actions, each applied to the app (through its services) and to the model; after each
 * one the app is let settle and what it shows must equal what the model says.
 */
import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { RECIPE_FORMAT, RECIPE_VERSION, type Recipe, serializeRecipe } from '../../core/recipe';
import { pngBytes } from './chaos-engine.test-helpers';
import { DEFAULT_OBJECT, type Model } from './chaos-model.test-helpers';
import {
  diffViews,
  type EngineHold,
  failNextImageWrite,
  type Page,
  settle,
  viewOf,
  visit,
} from './chaos-page.test-helpers';

export interface Real {
  page: Page;
  hold: EngineHold;
}

type Act = (m: Model, r: Real) => Promise<void>;

const file = (name: string) => new File([pngBytes(name)], name, { type: 'image/png' });

class Step implements fc.AsyncCommand<Model, Real> {
  constructor(
    private readonly label: string,
    private readonly when: (m: Model) => boolean,
    private readonly act: Act,
  ) {}
  check(m: Readonly<Model>): boolean {
    return this.when(m as Model);
  }
  async run(m: Model, r: Real): Promise<void> {
    await this.act(m, r);
    await settle(r.page);
    m.calibrate();
    const diff = diffViews(viewOf(r.page), m.view());
    if (diff.length > 0) throw new Error(`after ${this.label}:\n  ${diff.join('\n  ')}`);
  }
  toString(): string {
    return this.label;
  }
}

const always = () => true;
const hasImages = (m: Model) => m.images.length > 0;

function addImages(n: number): Act {
  return async (m, r) => {
    const names = Array.from({ length: n }, () => m.fresh('img'));
    m.images = [...m.images, ...names];
    await r.page.inspection.addImages(names.map(file));
  };
}

function mark(i: number, label: 'OK' | 'NG'): Act {
  return async (m, r) => {
    const name = m.images[i % m.images.length];
    if (m.marks[name] === label) delete m.marks[name];
    else m.marks[name] = label;
    const im = r.page.store.useApp.getState().images.find((x) => x.name === name)!;
    r.page.calibration.toggleLabel(im, label);
  };
}

function handThreshold(v: number): Act {
  return async (m, r) => {
    m.setThreshold({ image: v, pixel: m.sliders().pixel }, 'manual');
    r.page.store.patchThresholds({ image: v });
  };
}

function editPrompts(objectName: string): Act {
  return async (m, r) => {
    m.objectName = objectName;
    r.page.prompts.updatePrompts({ objectName });
  };
}

/** Page closed (its pagehide runs) and opened again; `before` is done just before, unsettled. */
function reload(before: Act | null): Act {
  return async (m, r) => {
    if (before) await before(m, r);
    // Images storage refused (the user was told) are the only thing a reload may lose: the
    // flush as the page goes tries them again.
    const unsaved = new Set(r.page.sessionStore.useSessions.getState().unsaved);
    const mayGo = new Set(
      r.page.store.useApp
        .getState()
        .images.filter((im) => unsaved.has(im.id))
        .map((im) => im.name),
    );
    await r.page.pagehide();
    // The page is gone: none of its timers fire (what pagehide started in storage still completes).
    const now = Date.now();
    vi.clearAllTimers();
    vi.setSystemTime(now); // clearing the fake timers also rewinds the fake clock
    r.page = await visit(r.hold);
    m.settledKey = null;
    await settle(r.page);
    const kept = new Set(r.page.store.useApp.getState().images.map((im) => im.name));
    m.images = m.images.filter((name) => !mayGo.has(name) || kept.has(name));
    m.bankSettled(m.key());
  };
}

function recipe(k: number, image: number, objectName: string): Act {
  return async (m, r) => {
    const names = Array.from({ length: k }, () => m.fresh('recipe-ref'));
    const kind = k === 0 ? 'zero-shot' : 'few-shot';
    const model = r.page.recipes.currentModelIdentity()!;
    const rec: Recipe = {
      format: RECIPE_FORMAT,
      version: RECIPE_VERSION,
      createdAt: new Date(0).toISOString(),
      model,
      prompts: { ...r.page.store.defaultPrompts(), objectName },
      thresholds: { [kind]: { image, pixel: 0.55 } },
      calibration: null,
      references: names.map((name) => ({
        name,
        mediaType: 'image/png',
        data: Buffer.from(pngBytes(name)).toString('base64'),
      })),
    };
    m.objectName = objectName;
    m.setThreshold({ image, pixel: 0.55 }, 'recipe', k === 0 ? 'zero-shot' : `few-shot:${k}`);
    // The bank is replaced in one change: it settles in the recipe's K straight from the old one.
    m.refs = names;
    m.bankSettled(m.key());
    const opened = await r.page.recipes.importRecipeText(serializeRecipe(rec), 'line.json');
    expect(opened, JSON.stringify(r.page.store.useApp.getState().notices)).toBe(true);
  };
}

const idAt = (r: Real, i: number) => r.page.sessionStore.useSessions.getState().sessions[i].id;

export function commandArbitraries(): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const idx = fc.nat({ max: 20 });
  const label = fc.constantFrom<'OK' | 'NG'>('OK', 'NG');
  const threshold = fc.constantFrom(0.3, 0.42, 0.6, 0.9);
  const object = fc.constantFrom('bottle', 'screw', DEFAULT_OBJECT);
  return [
    fc.integer({ min: 1, max: 3 }).map((n) => new Step(`addImages(${n})`, always, addImages(n))),
    fc.constant(
      new Step(
        'addReference',
        (m) => m.refs.length < 4,
        async (m, r) => {
          const name = m.fresh('ref');
          m.refs = [...m.refs, name];
          await r.page.references.addReferences([file(name)]);
          m.bankSettled(m.key());
        },
      ),
    ),
    idx.map(
      (i) =>
        new Step(
          `removeReference(${i})`,
          (m) => m.refs.length > 0,
          async (m, r) => {
            const j = i % m.refs.length;
            m.refs = m.refs.filter((_, k) => k !== j);
            await r.page.references.removeReference(r.page.store.useApp.getState().references[j].id);
            m.bankSettled(m.key());
          },
        ),
    ),
    fc.tuple(idx, label).map(([i, l]) => new Step(`mark(${i}, ${l})`, hasImages, mark(i, l))),
    threshold.map((v) => new Step(`thresholdByHand(${v})`, always, handThreshold(v))),
    threshold.map(
      (v) =>
        new Step(`thresholdFromMarks(${v})`, always, async (m, r) => {
          m.setThreshold({ image: v, pixel: m.sliders().pixel }, 'labels');
          r.page.calibration.applyLabelThreshold(v);
        }),
    ),
    fc.constant(
      new Step(
        'applyCalibration',
        (m) => m.refs.length >= 2,
        async (m, r) => {
          m.setThreshold(m.suggestion()!, 'reference-bank');
          r.page.calibration.applyBankSuggestion();
        },
      ),
    ),
    object.map((o) => new Step(`editPrompts(${o})`, always, editPrompts(o))),
    fc.tuple(fc.constantFrom('name', 'part', 'lot', 'station'), fc.constantFrom('Lot 7', 'B-2')).map(
      ([field, value]) =>
        new Step(`rename(${field}=${value})`, always, async (m, r) => {
          const s = m.sessions[m.active];
          s[field as 'name'] = value;
          await r.page.sessions.renameSession({ [field]: value });
        }),
    ),
    fc.constantFrom('', 'Night').map(
      (name) =>
        new Step(
          `newSession(${JSON.stringify(name)})`,
          (m) => m.sessions.length < 5,
          async (m, r) => {
            m.leave();
            const n = m.sessions.length + 1;
            m.sessions.push({
              name: name || `Session ${n}`,
              part: '',
              lot: '',
              station: '',
              images: [],
              setup: null,
            });
            m.active = m.sessions.length - 1;
            await r.page.sessions.newSession(name);
          },
        ),
    ),
    idx.map(
      (i) =>
        new Step(
          `switchSession(${i})`,
          (m) => m.sessions.length > 1,
          async (m, r) => {
            const j = i % m.sessions.length;
            if (j === m.active) return;
            m.leave();
            m.reopen(j);
            await r.page.sessions.openSession(idAt(r, j));
          },
        ),
    ),
    idx.map(
      (i) =>
        new Step(
          `deleteSession(${i})`,
          (m) => m.sessions.length > 1,
          async (m, r) => {
            const j = i % m.sessions.length;
            if (j === m.active) return;
            const id = idAt(r, j);
            m.sessions.splice(j, 1);
            if (j < m.active) m.active -= 1;
            await r.page.sessions.deleteSession(id);
          },
        ),
    ),
    fc.boolean().map(
      (undo) =>
        new Step(undo ? 'clearAndUndo' : 'clear', hasImages, async (m, r) => {
          r.page.batch.clearWithUndo();
          if (undo) r.page.batch.undoClear();
          else m.images = [];
        }),
    ),
    fc
      .constantFrom(
        'settled',
        'midQueue',
        'markPending',
        'thresholdPending',
        'promptsPending',
        'renamePending',
      )
      .map((how) => {
        const before: Record<string, Act | null> = {
          settled: null,
          midQueue: addImages(2),
          markPending: async (m, r) => (m.images.length > 0 ? mark(0, 'NG')(m, r) : undefined),
          thresholdPending: handThreshold(0.77),
          promptsPending: editPrompts('cable'),
        };
        return new Step(`reload(${how})`, always, reload(before[how]));
      }),
    fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(0.33, 0.7), fc.constantFrom('bottle', 'widget'))
      .map(([k, v, o]) => new Step(`openRecipe(${k} refs, ${v}, ${o})`, always, recipe(k, v, o))),
    fc.integer({ min: 1, max: 2 }).map(
      (n) =>
        new Step(`quotaFullWhileAdding(${n})`, always, async (m, r) => {
          const restore = failNextImageWrite();
          try {
            await addImages(n)(m, r);
            await settle(r.page);
          } finally {
            const hit = restore();
            expect(hit, 'the full storage was hit').toBe(true);
          }
          // Whatever stays unsaved is told, a moment later.
          await vi.advanceTimersByTimeAsync(1500);
          const unsaved = r.page.sessionStore.useSessions.getState().unsaved.length;
          const told = r.page.store.useApp
            .getState()
            .notices.some((x) => x.text.startsWith('Storage is full'));
          expect(unsaved === 0 || told, `${unsaved} unsaved image(s), no notice`).toBe(true);
        }),
    ),
  ];
}
