/** What the evaluator needs from a benchmark folder, whatever its layout. */

export type DatasetKind = 'mvtec' | 'visa';

export interface TestSample {
  /** Path relative to the category folder, '/'-separated (as written to the JSON). */
  file: string;
  /** Absolute path. */
  path: string;
  /** 1 = anomalous, 0 = normal. */
  label: 0 | 1;
  /** Defect type ('good' for normal images). */
  defect: string;
  /** Absolute path of the ground-truth mask; null for normal images. */
  maskPath: string | null;
}

export interface CategoryData {
  name: string;
  /** Absolute path of the category folder. */
  dir: string;
  /** Normal training images, paths relative to the category folder, sorted. */
  train: string[];
  test: TestSample[];
}

export interface DatasetReader {
  kind: DatasetKind;
  root: string;
  /** Categories present, sorted. */
  categories(): Promise<string[]>;
  read(category: string): Promise<CategoryData>;
}
