/**
 * The request guard of every test: the page may reach 127.0.0.1 only. Chromium's
 * `--host-resolver-rules` (playwright.config.ts) already resolves no other host name; the guard
 * records any request that still tries, and the test fails on it. It watches instead of routing:
 * Playwright's routing turns the HTTP cache off, and a reload would then fetch and compile the 14 MB
 * onnxruntime module again, which a user's browser takes from its cache.
 */
import type { Browser, BrowserContext } from '@playwright/test';

export interface GuardedContext {
  context: BrowserContext;
  /** URLs the context tried to reach outside what it may; must stay empty. */
  external: string[];
}

/** Which URLs may load: by default 127.0.0.1, data: and blob:. */
export type Allow = (url: URL) => boolean;

export const LOCAL_ONLY: Allow = (url) =>
  url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';

/** Only the file itself and what it embeds: for documents that must open offline. */
export const FILE_ONLY: Allow = (url) => url.protocol === 'file:' || url.protocol === 'data:';

/**
 * Records the requests `allow` refuses. LOCAL_ONLY watches (the host resolver blocks them); any other
 * rule, such as FILE_ONLY which refuses 127.0.0.1 too, aborts them by routing.
 */
export async function guardRequests(context: BrowserContext, allow: Allow = LOCAL_ONLY): Promise<string[]> {
  const external: string[] = [];
  if (allow === LOCAL_ONLY) {
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!allow(url)) external.push(url.href);
    });
    return external;
  }
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (allow(url)) return route.continue();
    external.push(url.href);
    return route.abort('blockedbyclient');
  });
  return external;
}

/** A second browser context (a fresh profile) with the same request guard as the test fixtures. */
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
  return { context, external: await guardRequests(context, allow) };
}
