/**
 * Keeps the Vulkan loader's third-party noise off the CLI's stderr when a GPU provider starts.
 *
 * Without XDG_RUNTIME_DIR (containers, CI, cron, `su`), libwayland-client prints
 * "error: XDG_RUNTIME_DIR is invalid or not set in the environment." each time something calls
 * `wl_display_connect`. Dawn enables the Wayland surface extension on its Vulkan instance, and Vulkan
 * layers that pick a GPU by the compositor's device (Mesa's device_select, installed with
 * mesa-vulkan-drivers) then try to connect: one line per instance, in the probe and in the CLI.
 * A private, empty runtime directory makes that lookup fail quietly (no compositor socket there),
 * which is also the truth: the CLI has no compositor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives `env` (default: this process's, so native code and child processes see it) a private
 * XDG_RUNTIME_DIR when it has none or an invalid one (libwayland wants an absolute path). Returns the
 * directory it made, removed when the process exits, or null when the variable was already usable.
 */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.XDG_RUNTIME_DIR?.startsWith('/')) return null;
  // mkdtemp makes the directory 0700, the mode the XDG base-directory spec requires of it.
  const dir = mkdtempSync(join(tmpdir(), 'winclip-runtime-'));
  env.XDG_RUNTIME_DIR = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
