/**
 * Live camera input: getUserMedia on the chosen device, frames captured from the preview as PNG files
 * that enter the gallery exactly like dropped images (same queue, same scoring).
 */

import { errorText } from '../../core/errors';
import { stamp } from '../export/download';
import { patchCamera, useCamera } from '../state/camera-store';
import { useApp } from '../state/store';
import { addImages } from './inspection-service';

let stream: MediaStream | null = null;

export function cameraStream(): MediaStream | null {
  return stream;
}

function stopStream(): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
  stream = null;
}

function cameraError(err: unknown): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError') return 'Camera access was denied (allow it in the site settings).';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera found.';
  if (name === 'NotReadableError') return 'The camera is in use by another program.';
  return `The camera could not start: ${errorText(err)}`;
}

async function listDevices(): Promise<void> {
  const all = await navigator.mediaDevices.enumerateDevices();
  const devices = all
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ id: d.deviceId, label: d.label || `Camera ${i + 1}` }));
  patchCamera({ devices });
}

/** Starts (or switches to) a device; null picks the browser's default camera. */
export async function startCamera(deviceId: string | null = useCamera.getState().deviceId): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    patchCamera({ open: true, live: false, error: 'This browser has no camera access (getUserMedia).' });
    return;
  }
  stopStream();
  patchCamera({ open: true, live: false, error: null });
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: deviceId
        ? { deviceId: { exact: deviceId } }
        : { width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
    const track = stream.getVideoTracks()[0];
    const used = track?.getSettings().deviceId ?? deviceId;
    patchCamera({
      live: true,
      deviceId: used ?? null,
      streamVersion: useCamera.getState().streamVersion + 1,
    });
    // Labels are only readable once permission was granted.
    await listDevices();
  } catch (err) {
    patchCamera({ live: false, error: cameraError(err) });
  }
}

export function closeCamera(): void {
  stopStream();
  patchCamera({ open: false, live: false, continuous: false });
}

export function toggleCamera(): void {
  if (useCamera.getState().open) closeCamera();
  else void startCamera();
}

/** True while the last capture still waits for its score (continuous mode skips a beat then). */
export function lastCaptureBusy(): boolean {
  const id = useCamera.getState().lastImageId;
  const im = id ? useApp.getState().images.find((x) => x.id === id) : undefined;
  return im !== undefined && (im.status === 'queued' || im.status === 'processing');
}

/** Grabs the preview's current frame at the camera's resolution and adds it to the gallery. */
export async function captureFrame(video: HTMLVideoElement): Promise<void> {
  if (!stream || video.videoWidth === 0) return;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The frame could not be encoded');
  const n = useCamera.getState().captures + 1;
  const name = `camera-${stamp()}-${String(n).padStart(3, '0')}.png`;
  patchCamera({ captures: n });
  const before = new Set(useApp.getState().images.map((im) => im.id));
  await addImages([new File([blob], name, { type: 'image/png' })]);
  const added = useApp.getState().images.find((im) => !before.has(im.id) && im.name === name);
  if (added) patchCamera({ lastImageId: added.id, heldBeats: 0 });
}
