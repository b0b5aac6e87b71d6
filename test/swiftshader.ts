/**
 * Environment that makes onnxruntime-node's WebGPU provider (Dawn, Vulkan backend) run on
 * SwiftShader, the software Vulkan driver Debian's chromium package ships with its own Vulkan
 * loader. Tests of --device webgpu use it so they run on machines without a GPU.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

const CANDIDATES = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

/** VK_ICD_FILENAMES and LD_LIBRARY_PATH for SwiftShader; throws one clear line when it is absent. */
export function swiftShaderEnv(): { VK_ICD_FILENAMES: string; LD_LIBRARY_PATH: string } {
  const icd = CANDIDATES.find((p) => existsSync(p));
  if (!icd)
    throw new Error(
      `SwiftShader's Vulkan ICD not found (looked for ${CANDIDATES.join(', ')}); install the chromium package`,
    );
  const dir = dirname(icd);
  const ld = process.env.LD_LIBRARY_PATH;
  return { VK_ICD_FILENAMES: icd, LD_LIBRARY_PATH: ld ? `${dir}:${ld}` : dir };
}
