/**
 * The `--device` flag shared by the commands that run the model: its spec, validation, and opening
 * the engine on the chosen device (the device `auto` picked is reported on stderr, one line).
 */
import type { MethodSettings } from '../core/method-settings';
import { DEVICE_CHOICES, type DeviceChoice, isDeviceChoice } from '../engine/devices';
import type { WinclipEngine } from '../engine/engine';
import type { EngineOptions } from '../engine/model-info';
import type { CliModel } from './model-arg';
import { createNodeEngine } from './node-engine';
import { UsageError } from './usage-error';

/** The flag's value, validated; undefined means cpu. */
export function parseDeviceFlag(raw: string | undefined, command: string): DeviceChoice {
  if (raw === undefined) return 'cpu';
  if (!isDeviceChoice(raw))
    throw new UsageError(command, `--device must be one of ${DEVICE_CHOICES.join(', ')}, got '${raw}'`);
  return raw;
}

/** Loads the model's files and opens the engine on `device`; `out` receives the line `auto` prints; `options.lotMode` for the lot mode. */
export function openCliEngine(
  model: CliModel,
  device: DeviceChoice,
  settings: Partial<MethodSettings> = {},
  out: { write(s: string): unknown } = process.stderr,
  options: EngineOptions = {},
): Promise<WinclipEngine> {
  const onSelect =
    device === 'auto'
      ? (sel: { device: string; reason: string }) =>
          out.write(`winclip: device ${sel.device} (${sel.reason})\n`)
      : undefined;
  return createNodeEngine(model.paths, { device, onSelect }, settings, options);
}
