// The stack's floor for the HTTP benchmark: a bare Fastify route that parses the JSON body and
// answers a canned payload of the same size as the real hook's response.
import Fastify from 'fastify';
const size = Number(process.env.RESPONSE_BYTES ?? 10000);
const payload = JSON.stringify({ status: {}, children: [{ data: 'x'.repeat(Math.max(0, size - 40)) }] });
const app = Fastify({ bodyLimit: 32 * 1024 * 1024 });
app.post('/echo', async (request, reply) => {
  if (!request.body || typeof request.body !== 'object') return reply.code(400).send({ message: 'bad' });
  return reply.type('application/json').send(payload);
});
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${url}\n`);
