/** The ZIP export in progress, apart from the main store: what it is and how many entries are written. */
import { create } from 'zustand';

export interface ExportProgress {
  /** Names the archive for the top bar ("Maps ZIP"). */
  label: string;
  done: number;
  total: number;
}

export const useExportProgress = create<{ current: ExportProgress | null }>()(() => ({ current: null }));

export function setExportProgress(current: ExportProgress | null): void {
  useExportProgress.setState({ current });
}
