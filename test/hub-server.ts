/**
 * A Hugging Face hub stand-in on 127.0.0.1 for the Node loader's tests, answering as the hub does:
 *   HEAD/GET /<owner>/<name>/resolve/<revision>/<file>  with X-Repo-Commit and ETag;
 * weights get a 302 to /lfs/… carrying X-Linked-Etag / X-Linked-Size (as the hub's CDN redirect),
 * a missing file a 404 with X-Error-Code: EntryNotFound and the commit, a gated repo a 401.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepo {
  /** commit → file name → path on disk. */
  commits: Record<string, Record<string, string>>;
  /** branch → commit. */
  refs: Record<string, string>;
  /** Answer 401 unless this bearer token is sent. */
  token?: string;
}

export interface TestHub {
  url: string;
  /** "METHOD path" of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function startTestHub(repos: Record<string, HubRepo>): Promise<TestHub> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    const m = /^\/(?:lfs\/)?([^/]+\/[^/]+)\/(?:resolve\/)?([^/]+)\/(.+)$/.exec(path);
    const repo = m ? repos[m[1]] : undefined;
    if (!m || !repo) {
      res.writeHead(404, { 'X-Error-Code': 'RepoNotFound' }).end('Repository not found');
      return;
    }
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401, { 'X-Error-Code': 'GatedRepo' }).end('Access to this repo is restricted');
      return;
    }
    const rev = decodeURIComponent(m[2]);
    const commit = repo.commits[rev] ? rev : repo.refs[rev];
    if (!commit) {
      res.writeHead(404, { 'X-Error-Code': 'RevisionNotFound' }).end('Revision not found');
      return;
    }
    const file = decodeURIComponent(m[3]);
    const disk = repo.commits[commit][file];
    if (!disk) {
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': commit }).end('Entry not found');
      return;
    }
    const bytes = readFileSync(disk);
    const etag = sha(bytes);
    if (!path.startsWith('/lfs/') && file.endsWith('.safetensors')) {
      res
        .writeHead(302, {
          Location: `/lfs/${m[1]}/${commit}/${m[3]}`,
          'X-Repo-Commit': commit,
          'X-Linked-Etag': `"${etag}"`,
          'X-Linked-Size': String(bytes.length),
          ETag: '"small-pointer-etag"',
        })
        .end();
      return;
    }
    res.writeHead(200, {
      'Content-Length': String(bytes.length),
      'X-Repo-Commit': commit,
      ETag: `"${etag}"`,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
