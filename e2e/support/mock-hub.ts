/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, in the hub's URL layout:
 *   HEAD/GET <hub>/<owner>/<name>/resolve/<main or the repo's commit>/<file>
 * Every answer names the repo's one commit (X-Repo-Commit, `mockCommit`), as the hub does. Large files answer with a 302 to a /lfs/ path (as the hub redirects to its CDN), every response is
 * CORS-enabled (the app runs on another port, so this is cross-origin), unknown files are 404. It can
 * throttle bodies so progress is observable, and it can be stopped to prove the cache works offline.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** repo id → file name → absolute path on disk. */
export type RepoFiles = Record<string, Record<string, string>>;

export interface MockHub {
  url: string;
  /** Every request path seen, in order. */
  requests: string[];
  setThrottle(bytesPerSecond: number | null): void;
  stop(): Promise<void>;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, ETag, X-Repo-Commit',
};

/** The one commit each mock repo has (stable, so tests can name the URLs the app asks for). */
export function mockCommit(repo: string): string {
  return createHash('sha1').update(repo).digest('hex');
}

function contentType(file: string): string {
  return file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

export async function startMockHub(
  repos: RepoFiles,
  opts: { throttle?: number | null; cors?: boolean } = {},
): Promise<MockHub> {
  let throttle = opts.throttle ?? null;
  // Without CORS headers the hub still answers, as a misconfigured mirror would.
  const CORS = opts.cors === false ? {} : CORS_HEADERS;
  const requests: string[] = [];

  const send = (res: ServerResponse, path: string, file: string, repo: string) => {
    const size = statSync(path).size;
    res.writeHead(200, {
      ...CORS,
      'X-Repo-Commit': mockCommit(repo),
      'Content-Type': contentType(file),
      'Content-Length': String(size),
      ETag: `"${size}"`,
    });
    const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
    if (!throttle) {
      stream.pipe(res);
      return;
    }
    const perChunkMs = (64 * 1024 * 1000) / throttle;
    stream.on('data', (chunk) => {
      stream.pause();
      res.write(chunk);
      setTimeout(() => stream.resume(), perChunkMs);
    });
    stream.on('end', () => res.end());
    res.on('close', () => stream.destroy());
  };

  const notFound = (res: ServerResponse, what: string) => {
    res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain', 'X-Error-Code': 'EntryNotFound' });
    res.end(`Entry not found: ${what}`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'Access-Control-Allow-Methods': 'GET, HEAD',
        'Access-Control-Allow-Headers': '*',
      });
      res.end();
      return;
    }
    const lfs = /^\/lfs\/([^/]+\/[^/]+)\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const revisionKnown = !resolve || resolve[2] === 'main' || resolve[2] === mockCommit(resolve[1]);
    const m = lfs ?? (resolve && [resolve[0], resolve[1], resolve[3]]);
    const path = m && revisionKnown ? repos[m[1]]?.[m[2]] : undefined;
    if (!m || !path) return notFound(res, url.pathname);
    if (resolve && m[2].endsWith('.safetensors')) {
      res.writeHead(302, { ...CORS, 'X-Repo-Commit': mockCommit(m[1]), Location: `/lfs/${m[1]}/${m[2]}` });
      res.end();
      return;
    }
    send(res, path, m[2], m[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setThrottle: (bps) => {
      throttle = bps;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
