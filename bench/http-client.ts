import { Agent, request } from 'node:http';

/**
 * The load generator's HTTP client: node:http on kept-alive connections, one per concurrent client.
 * It shares the machine's two cores with the processes it measures, and `fetch` (undici) spent
 * 0.23-0.27 ms of CPU per request where this spends 0.04-0.06 (50 clients against the bare
 * handler, bench/RESULTS.md, intake): with `fetch`, a quarter of the CPU in the API's column was
 * the load generator's own.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

export interface Reply {
  status: number;
  body: Buffer;
}

/** Sends one request with `body` (JSON, or none) and reads the whole answer. */
export function sendRequest(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const sent = request(url, { method, agent, headers: { ...headers, ...length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
