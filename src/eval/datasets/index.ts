import { mvtecReader } from './mvtec';
import type { DatasetKind, DatasetReader } from './types';
import { visaReader } from './visa';

export type { CategoryData, DatasetKind, DatasetReader, TestSample } from './types';

export function datasetReader(kind: DatasetKind, root: string): DatasetReader {
  return kind === 'visa' ? visaReader(root) : mvtecReader(root);
}
