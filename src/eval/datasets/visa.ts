/**
 * VisA layout with the official one-class split: split_csv/1cls.csv (columns object, split, label, image,
 * mask; paths relative to the dataset root), images under <category>/Data/Images/{Normal,Anomaly},
 * masks under <category>/Data/Masks/Anomaly. Mask pixels are anomalous when non-zero.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CategoryData, DatasetReader, TestSample } from './types';

export interface VisaRow {
  object: string;
  split: string;
  label: string;
  image: string;
  mask: string;
}

/** Minimal RFC 4180 parsing (quoted fields, doubled quotes); the header names the columns. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header, ...body] = rows;
  if (!header) return [];
  const names = header.map((h) => h.trim());
  return body.map((r) => Object.fromEntries(names.map((n, i) => [n, (r[i] ?? '').trim()])));
}

export function visaReader(rootDir: string, splitFile = join('split_csv', '1cls.csv')): DatasetReader {
  const root = resolve(rootDir);
  let rows: Promise<VisaRow[]> | null = null;
  const load = () => {
    rows ??= readFile(join(root, splitFile), 'utf8')
      .catch(() => {
        throw new Error(`VisA split file not found: ${join(root, splitFile)}`);
      })
      .then((text) => {
        const parsed = parseCsv(text);
        for (const col of ['object', 'split', 'label', 'image']) {
          if (parsed.length && !(col in parsed[0])) throw new Error(`${splitFile}: missing column '${col}'`);
        }
        return parsed.map((r) => ({
          object: r.object,
          split: r.split,
          label: r.label,
          image: r.image,
          mask: r.mask ?? '',
        }));
      });
    return rows;
  };
  const relative = (category: string, path: string) => {
    const p = path.replace(/\\/g, '/');
    const prefix = `${category}/`;
    return p.startsWith(prefix) ? p.slice(prefix.length) : p;
  };
  return {
    kind: 'visa',
    root,
    async categories() {
      return [...new Set((await load()).map((r) => r.object))].sort();
    },
    async read(category: string): Promise<CategoryData> {
      const mine = (await load()).filter((r) => r.object === category);
      if (mine.length === 0) throw new Error(`category '${category}' is not in ${splitFile}`);
      const train = mine
        .filter((r) => r.split === 'train' && r.label === 'normal')
        .map((r) => relative(category, r.image))
        .sort();
      const test: TestSample[] = mine
        .filter((r) => r.split === 'test')
        .map((r) => {
          const anomalous = r.label === 'anomaly';
          if (!anomalous && r.label !== 'normal')
            throw new Error(`${splitFile}: unknown label '${r.label}' for ${r.image}`);
          if (anomalous && !r.mask) throw new Error(`${splitFile}: anomalous ${r.image} has no mask`);
          return {
            file: relative(category, r.image),
            path: join(root, r.image),
            label: anomalous ? 1 : 0,
            defect: anomalous ? 'anomaly' : 'good',
            maskPath: anomalous ? join(root, r.mask) : null,
          } satisfies TestSample;
        });
      if (test.length === 0) throw new Error(`${category}: no test rows in ${splitFile}`);
      return { name: category, dir: join(root, category), train, test };
    },
  };
}
