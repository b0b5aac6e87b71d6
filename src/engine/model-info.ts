/** What the engine reports about its model (`WinclipEngine.info()`), and the engine's opening options. */
import type { ModelConfig } from '../model/config';
import type { ModelInfo } from './api';

export interface EngineOptions {
  /**
   * Keep the vision weights after the sessions open, so the lot mode (`muscDevice()`) can build its own
   * image graphs later. Costs the vision tower's bytes for the engine's lifetime (none when they are
   * read from disk on demand).
   */
  lotMode?: boolean;
  /**
   * Create the text encoder's session at its first run (see `OpenOptions.textOnFirstRun` in
   * open-sessions.ts): the app after a reload has every prompt embedding stored.
   */
  textOnFirstRun?: boolean;
}

export function modelInfo(
  config: ModelConfig,
  parameters: number,
  backend: string,
  commit: string | undefined,
): ModelInfo {
  const v = config.vision;
  return {
    embedDim: config.embedDim,
    imageSize: v.imageSize,
    patchSize: v.patchSize,
    grid: v.grid,
    visionWidth: v.width,
    visionLayers: v.layers,
    textWidth: config.text.width,
    textLayers: config.text.layers,
    quickGelu: config.quickGelu,
    parameters,
    backend,
    commit: commit ?? null,
  };
}
