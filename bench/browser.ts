/**
 * `npm run bench:browser [webgpu|wasm]`: the full-size ViT-B-16-plus-240 (random weights) in Chromium,
 * in a Web Worker: stage timings and the peak resident memory of all browser processes (sampled
 * every 100 ms with ps), i.e. what loading the default checkpoint costs a user's machine.
 * Figures only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { harnessConfig } from '../e2e/engine-harness/vite.config';
import { CLIP_DIR } from '../test/fixture';

const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['wasm'];
const outDir = mkdtempSync(join(tmpdir(), 'bench-harness-'));
await build(harnessConfig(outDir));
const server = await preview(harnessConfig(outDir));
const base = server.resolvedUrls!.local[0];

function browserRssBytes(pid: number): number {
  // Resident memory of the browser and all its descendants (renderer, GPU, worker threads live in them).
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of rows) {
      if (tree.has(pp) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return rows.filter(([p]) => tree.has(p)).reduce((a, [, , rss]) => a + rss * 1024, 0);
}

for (const backend of backends) {
  const browserServer = await chromium.launchServer({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--enable-unsafe-webgpu',
      '--enable-unsafe-swiftshader',
    ],
  });
  const pid = browserServer.process().pid!;
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const page = await browser.newPage();
  await page.route('**/clip/tokenizer.json', (r) =>
    r.fulfill({ body: readFileSync(join(CLIP_DIR, 'tokenizer.json')) }),
  );
  await page.goto(base);
  const idle = browserRssBytes(pid);
  let peak = idle;
  const timer = setInterval(() => {
    peak = Math.max(peak, browserRssBytes(pid));
  }, 100);
  const r = await page.evaluate(
    (b) =>
      (
        window as unknown as {
          harness: { benchFullSize: (b: string, t: string) => Promise<Record<string, unknown>> };
        }
      ).harness.benchFullSize(b, '/clip/tokenizer.json'),
    backend,
  );
  clearInterval(timer);
  const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
  console.log(
    `\n## ViT-B-16-plus-240 (random weights, 208M params, 0.83 GB float32) in Chromium, ${r.backend}`,
  );
  console.log(`  ${r.reason}`);
  console.log(`  random weights generated in the worker  ${r.randomMs} ms`);
  console.log(`  graphs built + sessions created         ${r.createMs} ms`);
  console.log(`  text ensemble (242 prompts)             ${r.textMs} ms`);
  console.log(`  encode one 240×240 image (full + windows) ${r.encodeMs} ms`);
  console.log(`  1-shot score incl. association          ${r.fewShotMs} ms`);
  console.log(`  browser RSS idle → peak                 ${gib(idle)} → ${gib(peak)}`);
  await browser.close();
  await browserServer.close();
}
await new Promise<void>((r) => server.httpServer.close(() => r()));
