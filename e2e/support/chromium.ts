/** Debian's Chromium as every e2e run, tool and browser bench starts it. */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** WebGPU on SwiftShader (the CPU) where the machine has no GPU Chromium accepts. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];
