/** Camera state, apart from the main store: devices, the live stream's status and the capture settings. */
import { create } from 'zustand';

export interface CameraDevice {
  id: string;
  label: string;
}

export interface CameraState {
  open: boolean;
  devices: CameraDevice[];
  deviceId: string | null;
  /** Bumped whenever a new stream starts, so the preview re-attaches. */
  streamVersion: number;
  live: boolean;
  error: string | null;
  continuous: boolean;
  /** Seconds between captures in continuous mode. */
  intervalS: number;
  captures: number;
  /** Continuous-capture beats skipped while the last REVIEW frame waits for the operator's mark. */
  heldBeats: number;
  /** Gallery id of the last capture (its verdict is drawn on the preview). */
  lastImageId: string | null;
}

export const useCamera = create<CameraState>()(() => ({
  open: false,
  devices: [],
  deviceId: null,
  streamVersion: 0,
  live: false,
  error: null,
  continuous: false,
  intervalS: 2,
  captures: 0,
  heldBeats: 0,
  lastImageId: null,
}));

export function patchCamera(patch: Partial<CameraState>): void {
  useCamera.setState(patch);
}
