import { mvtecReader } from './mvtec';
import type { DatasetKind, DatasetReader } from './types';
import { visaReader } from './visa';

export type { CategoryData, DatasetKind, DatasetReader, TestSample } from './types';

export function datasetReader(kind: DatasetKind, root: string): DatasetReader {
  return kind === 'visa' ? visaReader(root) : mvtecReader(root);
}

/** The categories to evaluate: `requested` (each checked to exist) or every one present; never none. */
export async function selectCategories(
  reader: DatasetReader,
  requested: readonly string[] | undefined,
): Promise<string[]> {
  const available = await reader.categories();
  const categories = requested ? [...requested] : available;
  for (const c of categories) {
    if (!available.includes(c))
      throw new Error(
        `category '${c}' not found in ${reader.root} (have: ${available.join(', ') || 'none'})`,
      );
  }
  if (categories.length === 0) throw new Error(`no categories found in ${reader.root}`);
  return categories;
}
