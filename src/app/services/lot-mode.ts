/**
 * Switching lot mode on or off: the gallery is scored again in the new mode. Entering, every image
 * joins an empty lot; leaving, the lot is dropped and the images get WinCLIP scores again. Stored
 * features and tokens make both quick after the first time.
 */
import { patchSettings, useApp } from '../state/store';
import { requeueAll } from './inspection-service';
import { clearLot } from './lot-service';

export async function setLotMode(on: boolean): Promise<void> {
  if (useApp.getState().settings.lotMode === on) return;
  patchSettings({ lotMode: on });
  if (!on) await clearLot().catch(() => undefined);
  if (useApp.getState().model.phase === 'ready') requeueAll({ keepResults: false });
}
