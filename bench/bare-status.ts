import { createServer } from 'node:http';
import { getCompetitionStatus } from '../db/competitions.ts';
import { createSql } from '../db/sql.ts';

/**
 * The floor for `GET /competitions/{id}`: a bare node:http handler in a process of its own, running
 * the route's own database function (the same SQL, the same view) with the API's pool of 10, and
 * writing the same JSON. No routing library, no authentication, no validation.
 */
const sql = createSql(process.env.DATABASE_URL!);
const officer = { role: 'officer' as const, id: 'officer-1' };
const server = createServer((request, response) => {
  const id = /^\/competitions\/([0-9a-f-]{36})$/.exec(request.url ?? '')?.[1];
  if (!id) {
    response.writeHead(404).end();
    return;
  }
  getCompetitionStatus(sql, id, officer).then(
    (status) => {
      response.writeHead(status ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status));
    },
    (error: unknown) => {
      response.writeHead(500).end(String(error));
    },
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare status on ${process.env.PORT}`));
