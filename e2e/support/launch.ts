/**
 * Start-up shared by the e2e tools (e2e/tools/*.ts) and the browser bench (bench/browser.ts): a mock
 * hub, a vite preview server (the built app unless told otherwise) and Debian's Chromium with WebGPU
 * on, torn down by one `stop()`. The Playwright suite starts its own through playwright.config.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { type InlineConfig, preview } from 'vite';
import { parseModelConfig } from '../../src/model/config';
import { randomSafetensors } from '../../src/model/random-weights';
import { BASE_ARGS, CHROMIUM, WEBGPU_ARGS } from './chromium';
import { type MockHub, type RepoFiles, startMockHub } from './mock-hub';
import { HUB_REPOS, REPO_ROOT } from './paths';

export interface LaunchOptions {
  /** Repos the mock hub serves (default: the tiny fixture model and the CLIP tokenizer). */
  repos?: RepoFiles;
  /** The preview server's config (default: the built app, `npx vite build` first). */
  previewConfig?: InlineConfig;
  /**
   * A persistent profile (default), as a user's browser has: Playwright's private contexts keep Cache
   * Storage and OPFS in memory, with a small quota. `false` gives a browser to open fresh contexts on.
   */
  persistent?: boolean;
  /** An extra command-line flag that finds this browser's processes (chromium-memory.ts). */
  marker?: string;
}

export interface Launched {
  hub: MockHub;
  /** The preview server's URL, ending in '/'. */
  base: string;
  /** The app's URL with these query parameters (`hub` is set to the mock hub). */
  appUrl(params?: Record<string, string>): string;
  /** The persistent profile, or a fresh context of `browser`. */
  context: BrowserContext;
  /** Set when `persistent: false`. */
  browser: Browser | null;
  stop(): Promise<void>;
}

export async function launch(o: LaunchOptions = {}): Promise<Launched> {
  const hub = await startMockHub(o.repos ?? HUB_REPOS);
  const server = await preview(
    o.previewConfig ?? { root: REPO_ROOT, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' },
  );
  const base = server.resolvedUrls!.local[0];
  const args = [...BASE_ARGS, ...WEBGPU_ARGS, ...(o.marker ? [o.marker] : [])];
  const viewport = { width: 1440, height: 900 };
  let browser: Browser | null = null;
  let context: BrowserContext;
  if (o.persistent === false) {
    browser = await chromium.launch({ executablePath: CHROMIUM, args });
    context = await browser.newContext({ viewport });
  } else {
    const profile = mkdtempSync(join(tmpdir(), 'winclip-profile-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args, viewport });
  }
  return {
    hub,
    base,
    appUrl: (params = {}) => `${base}?${new URLSearchParams({ ...params, hub: hub.url })}`,
    context,
    browser,
    stop: async () => {
      await context.close();
      await browser?.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      await hub.stop();
    },
  };
}

/**
 * A checkpoint of random weights in a model's real shapes, written once under the temp folder and
 * reused by later runs (the tools and the bench share it): returns its folder.
 */
export function randomModelDir(dirName: string, config: unknown): string {
  const dir = join(tmpdir(), dirName);
  const weights = join(dir, 'open_clip_model.safetensors');
  if (!existsSync(weights)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'open_clip_config.json'), JSON.stringify(config));
    writeFileSync(weights, randomSafetensors(parseModelConfig(config), 1));
  }
  return dir;
}
