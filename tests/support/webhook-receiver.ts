import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  noticeId: string;
  verified: boolean;
}

/** A receiver on 127.0.0.1 that verifies every signature, as a company's integration would. */
export class Receiver {
  received: Received[] = [];
  secret = '';
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h])]),
        );
        let verified = true;
        let payload: any;
        try {
          payload = new Webhook(this.secret).verify(body, headers);
        } catch {
          verified = false;
          payload = JSON.parse(body);
        }
        this.received.push({
          id: headers['webhook-id']!,
          type: payload.type,
          noticeId: payload.data.noticeId,
          verified,
        });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hooks/phasegate`;
  }
}
