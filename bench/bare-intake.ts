import { createServer } from 'node:http';
import { submitOffer } from '../db/offers.ts';
import { createSql } from '../db/sql.ts';
import { generateKeys } from '../runtime/keys.ts';

/**
 * Two floors for `POST …/offers`, each a bare node:http handler in a process of its own, as the API
 * is: `/offers/{competition}/{phase}/{company}` reads and parses the body and runs the intake's own
 * database function (`submitOffer`, its two statements) with the API's pool of 10, answering 201 with
 * the receipt; `/empty` reads and parses the body and answers 201 at once, with no database at all:
 * what one HTTP request costs on this machine. No routing library, authentication or validation.
 */
const sql = createSql(process.env.DATABASE_URL!);
const keys = generateKeys();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      content: string;
      requestedAmount: number;
    };
    const answer = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const offer = /^\/offers\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(request.url ?? '');
    if (!offer) {
      answer(request.url === '/empty' ? 201 : 404, { received: body.content.length });
      return;
    }
    const [, competitionId, phaseKey, companyId] = offer;
    submitOffer(sql, keys, {
      competitionId: competitionId!,
      phaseKey: phaseKey!,
      companyId: companyId!,
      ...body,
    }).then(
      (stored) => answer(201, stored),
      (error: unknown) => answer(500, { error: String(error) }),
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare intake on ${process.env.PORT}`));
