/**
 * MVTec-AD layout: <category>/train/good/*, <category>/test/<defect>/*,
 * <category>/ground_truth/<defect>/<name>_mask.png (no masks for test/good).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, parse, resolve } from 'node:path';
import { hasImageExtension } from '../../core/image-formats';
import type { CategoryData, DatasetReader, TestSample } from './types';

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function imagesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter(hasImageExtension).sort();
}

export function mvtecReader(rootDir: string): DatasetReader {
  const root = resolve(rootDir);
  return {
    kind: 'mvtec',
    root,
    async categories() {
      if (!(await isDir(root))) throw new Error(`dataset folder not found: ${root}`);
      const out: string[] = [];
      for (const name of (await readdir(root)).sort()) {
        if ((await isDir(join(root, name, 'train', 'good'))) && (await isDir(join(root, name, 'test'))))
          out.push(name);
      }
      return out;
    },
    async read(category: string): Promise<CategoryData> {
      const dir = join(root, category);
      const trainDir = join(dir, 'train', 'good');
      if (!(await isDir(trainDir)) || !(await isDir(join(dir, 'test')))) {
        throw new Error(`${dir} is not an MVTec-AD category (needs train/good/ and test/)`);
      }
      const train = (await imagesIn(trainDir)).map((n) => `train/good/${n}`);
      const test: TestSample[] = [];
      for (const defect of (await readdir(join(dir, 'test'))).sort()) {
        const defectDir = join(dir, 'test', defect);
        if (!(await isDir(defectDir))) continue;
        for (const name of await imagesIn(defectDir)) {
          const anomalous = defect !== 'good';
          let maskPath: string | null = null;
          if (anomalous) {
            maskPath = join(dir, 'ground_truth', defect, `${parse(name).name}_mask.png`);
            if (!(await stat(maskPath).catch(() => null))) {
              throw new Error(
                `${category}: no ground-truth mask for test/${defect}/${name} (expected ${maskPath})`,
              );
            }
          }
          test.push({
            file: `test/${defect}/${name}`,
            path: join(defectDir, name),
            label: anomalous ? 1 : 0,
            defect,
            maskPath,
          });
        }
      }
      if (test.length === 0) throw new Error(`${category}: no test images under ${join(dir, 'test')}`);
      return { name: category, dir, train, test };
    },
  };
}
