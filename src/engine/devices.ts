/** The devices the Node engine can run on, by name (no imports: `--help` reads this without loading ORT). */
export const NODE_DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type NodeDevice = (typeof NODE_DEVICES)[number];
export type DeviceChoice = NodeDevice | 'auto';
export const DEVICE_CHOICES: readonly DeviceChoice[] = [...NODE_DEVICES, 'auto'];

export function isDeviceChoice(s: string): s is DeviceChoice {
  return (DEVICE_CHOICES as readonly string[]).includes(s);
}
