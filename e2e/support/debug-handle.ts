/**
 * The app's debug handle (`window.winclip`, set by src/app/boot.ts), typed, from Node: specs, the e2e
 * tools and the browser bench read app state and call its hooks through these two functions only.
 */
import type { Page } from '@playwright/test';
import type { DebugHandle } from '../../src/app/boot';

export type { DebugHandle };

/** A function run in the page on the handle; like any page function it sees only its argument. */
export type DebugFn<R, A> = (handle: DebugHandle, arg: A) => R;

/**
 * The page expression that runs `fn` on the handle. Built as a string so the handle is looked up in
 * one place: Playwright evaluates strings through the debugger, so the page's CSP does not apply.
 */
function onHandle<R, A>(fn: DebugFn<R, A>, arg: A, missing: 'throw' | 'false'): string {
  const absent =
    missing === 'throw'
      ? `throw new Error('window.winclip is not set: the app has not booted on this page')`
      : 'return false';
  return `(() => { const h = window.winclip; if (!h) { ${absent}; } return (${fn.toString()})(h, ${JSON.stringify(arg)}); })()`;
}

/** Runs `fn(handle, arg)` in the page and returns its (awaited, serialised) result. */
export async function evalDebug<R, A = undefined>(
  page: Page,
  fn: DebugFn<R | Promise<R>, A>,
  arg?: A,
): Promise<R> {
  return page.evaluate<R>(onHandle(fn, arg as A, 'throw'));
}

/**
 * Waits until `fn(handle, arg)` is truthy in the page (false while the app has not booted, e.g. right
 * after a reload), polling every `polling` ms, and returns that value.
 */
export async function waitDebug<R, A = undefined>(
  page: Page,
  fn: DebugFn<R, A>,
  opts: { arg?: A; timeout: number; polling?: number },
): Promise<R> {
  const handle = await page.waitForFunction(onHandle(fn, opts.arg as A, 'false'), undefined, {
    timeout: opts.timeout,
    polling: opts.polling ?? 100,
  });
  return (await handle.jsonValue()) as R;
}
