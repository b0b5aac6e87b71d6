/**
 * The `--device` flag shared by the commands that run the model: parsing, help text, and opening
 * the engine on the chosen device (the device `auto` picked is reported on stderr, one line).
 */

import { WinclipEngine } from '../engine/engine';
import { DEVICE_CHOICES, type DeviceChoice, isDeviceChoice } from '../engine/node-devices';
import { openNodeRuntime } from '../engine/runtime-node';
import { loadModelDir } from '../io/model-dir-node';

/** Spread into a command's parseArgs options. */
export const DEVICE_OPTIONS = { device: { type: 'string' } } as const;

export const DEVICE_USAGE = `[--device ${DEVICE_CHOICES.join('|')}]`;

export const DEVICE_HELP =
  '--device: cpu (default), webgpu, cuda, or auto (first that starts of cuda, webgpu, cpu; the choice is printed on stderr)';

/** The flag's value, validated; undefined means cpu. */
export function parseDeviceFlag(raw: string | undefined, command: string): DeviceChoice {
  if (raw === undefined) return 'cpu';
  if (!isDeviceChoice(raw))
    throw new Error(`${command}: --device must be one of ${DEVICE_CHOICES.join(', ')}, got '${raw}'`);
  return raw;
}

/** Loads the model folder and opens the engine on `device`; `out` receives the line `auto` prints. */
export async function openCliEngine(
  modelDir: string,
  device: DeviceChoice,
  out: { write(s: string): unknown } = process.stderr,
): Promise<WinclipEngine> {
  const files = await loadModelDir(modelDir);
  const runtime = await openNodeRuntime({ device });
  if (device === 'auto') out.write(`winclip: device ${runtime.device} (${runtime.reason})\n`);
  return WinclipEngine.create(files, runtime);
}
