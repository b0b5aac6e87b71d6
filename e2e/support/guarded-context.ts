/** A second browser context (a fresh profile) with the same request guard as the test fixtures. */
import type { Browser, BrowserContext } from '@playwright/test';

export interface GuardedContext {
  context: BrowserContext;
  /** URLs the context tried to reach outside 127.0.0.1 (aborted); must stay empty. */
  external: string[];
}

/** Which URLs may load: by default 127.0.0.1, data: and blob: (as the fixture's guard). */
export type Allow = (url: URL) => boolean;

const LOCAL_ONLY: Allow = (url) =>
  url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';

/** Only the file itself and what it embeds: for documents that must open offline. */
export const FILE_ONLY: Allow = (url) => url.protocol === 'file:' || url.protocol === 'data:';

export async function guardedContext(
  browser: Browser,
  baseURL: string | undefined,
  allow: Allow = LOCAL_ONLY,
): Promise<GuardedContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (allow(url)) return route.continue();
    external.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { context, external };
}
