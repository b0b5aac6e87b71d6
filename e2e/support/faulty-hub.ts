/**
 * A hub on 127.0.0.1 whose repos each break a download in one way (the URL layout of mock-hub.ts):
 * config and tokenizer are fine, the weights file is not. Repos, by the fault they serve:
 *   fault/missing-weights   404 for the weights
 *   fault/cors-cdn          the weights redirect to a CDN path that sends no CORS headers
 *   fault/cut               the connection is cut after 40 % of the announced weights
 *   fault/shrunk            the weights are 4 KiB shorter than their header describes (re-uploaded)
 *   fault/grown             the weights come unsized (chunked) with 4 KiB more than the header describes
 *   winclip-test/tiny-clip  the working model, for the "still works afterwards" step
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIP_TOKENIZER, FIXTURE, TINY_REPO } from './paths';

export const FAULT_REPOS = {
  missingWeights: 'fault/missing-weights',
  corsCdn: 'fault/cors-cdn',
  cut: 'fault/cut',
  shrunk: 'fault/shrunk',
  grown: 'fault/grown',
} as const;

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Length' };

export interface FaultyHub {
  url: string;
  stop(): Promise<void>;
}

export async function startFaultyHub(): Promise<FaultyHub> {
  const config = readFileSync(`${FIXTURE}/open_clip_config.json`);
  const weights = readFileSync(`${FIXTURE}/open_clip_model.safetensors`);
  const tokenizer = readFileSync(CLIP_TOKENIZER);

  const send = (res: ServerResponse, body: Buffer, headers: Record<string, string> = CORS) => {
    res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
    res.end(body);
  };

  const weightsFault = (repo: string, res: ServerResponse, lfs: boolean) => {
    switch (repo) {
      case FAULT_REPOS.missingWeights:
        res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain' });
        return res.end('Entry not found');
      case FAULT_REPOS.corsCdn:
        if (!lfs) {
          res.writeHead(302, { ...CORS, Location: `/lfs/${repo}/open_clip_model.safetensors` });
          return res.end();
        }
        return send(res, weights, {});
      case FAULT_REPOS.cut: {
        res.writeHead(200, { ...CORS, 'Content-Length': String(weights.length) });
        // Once the bytes have been handed to the socket, drop the connection as a failing proxy would
        // (a fixed delay instead would race the page on a loaded machine).
        res.write(weights.subarray(0, Math.floor(weights.length * 0.4)), () => res.socket?.destroy());
        return;
      }
      case FAULT_REPOS.shrunk:
        return send(res, weights.subarray(0, weights.length - 4096));
      case FAULT_REPOS.grown: {
        res.writeHead(200, { ...CORS, 'Transfer-Encoding': 'chunked' });
        res.write(weights);
        return res.end(Buffer.alloc(4096));
      }
      default:
        return send(res, weights);
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/(lfs|[^/]+\/[^/]+\/resolve\/main)(?:\/([^/]+\/[^/]+))?\/([^/]+)$/.exec(path);
    const lfs = m?.[1] === 'lfs';
    const repo = lfs ? m?.[2] : m?.[1].replace(/\/resolve\/main$/, '');
    const file = m?.[3];
    const known = repo === TINY_REPO || Object.values(FAULT_REPOS).includes(repo as never);
    if (!m || !repo || !known) {
      res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain' });
      return res.end('Repository not found');
    }
    if (file === 'open_clip_config.json') return send(res, config);
    if (file === 'tokenizer.json') return send(res, tokenizer);
    if (file === 'open_clip_model.safetensors') return weightsFault(repo, res, lfs);
    res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain' });
    res.end('Entry not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
