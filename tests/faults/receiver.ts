import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  webhookId: string;
  noticeId: string;
  verified: boolean;
}

/** A company's webhook receiver on 127.0.0.1 that verifies each signature and keeps every delivery. */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  secret = '';
  private server: Server | undefined;

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
        let payload: { data: { noticeId: string } };
        try {
          payload = new Webhook(this.secret).verify(body, headers) as typeof payload;
        } catch {
          verified = false;
          payload = JSON.parse(body) as typeof payload;
        }
        this.deliveries.push({
          webhookId: headers['webhook-id']!,
          noticeId: payload.data.noticeId,
          verified,
        });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/phasegate`;
  }

  async stop(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
