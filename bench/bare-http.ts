import { createServer } from 'node:http';

/**
 * The HTTP floor for `POST …/offers`: a bare node:http handler in a process of its own, as the API is,
 * that reads and parses the request body and answers 201 at once, with no routing library,
 * authentication, validation or database: what one HTTP request costs on this machine.
 */
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { content: string };
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received: body.content.length }));
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare http on ${process.env.PORT}`));
