// Counts the SQL statements of one HTTP request (DESIGN.md §6: a page runs a bounded number of
// statements whatever the number of rows it shows). The request is handled inside an
// AsyncLocalStorage context of its own, and Sequelize's beforeQuery hook adds to the counter of
// the context it runs in: statements of other requests, of the job worker or of the test itself
// run outside that context and are not counted.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { testContext } from './app.js';
import { csrfFrom, DEMO_PASSWORD, type Agent } from './http.js';

type Counter = { statements: string[] };
const current = new AsyncLocalStorage<Counter>();
let installed: Promise<(req: IncomingMessage, res: ServerResponse) => void> | null = null;

/** The shared app, wrapped so that a request carrying a counter is handled in its context. */
function countingHandler(): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  installed ??= (async () => {
    const { app, platform } = await testContext();
    platform.sequelize.addHook('beforeQuery', 'test-sql-count', () => {
      current.getStore()?.statements.push('');
    });
    platform.sequelize.addHook('afterQuery', 'test-sql-text', (_options, query) => {
      const store = current.getStore();
      if (store) store.statements[store.statements.lastIndexOf('')] = String((query as unknown as { sql?: string }).sql ?? '').slice(0, 2000);
    });
    return (req, res) => {
      const counter = pending.get(String(req.headers['x-sql-count'] ?? ''));
      if (!counter) return app(req, res);
      current.run(counter, () => app(req, res));
    };
  })();
  return installed;
}

const pending = new Map<string, Counter>();
let next = 0;

export type CountingAgent = Agent & { count: (path: string) => Promise<{ status: number; statements: string[]; text: string }> };

/** An agent (anonymous, or signed in as `email`) whose `count(path)` GETs a page and returns its statements. */
export async function countingAgent(email?: string, password = DEMO_PASSWORD): Promise<CountingAgent> {
  const handler = await countingHandler();
  const agent = request.agent(handler) as CountingAgent;
  if (email) {
    const token = csrfFrom((await agent.get('/login')).text);
    const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
    if (res.status !== 302) throw new Error(`login of ${email} failed with ${res.status}`);
  }
  agent.count = async (path: string) => {
    const id = `c${++next}`;
    const counter: Counter = { statements: [] };
    pending.set(id, counter);
    try {
      const res = await agent.get(path).set('X-Sql-Count', id);
      return { status: res.status, statements: [...counter.statements], text: res.text };
    } finally {
      pending.delete(id);
    }
  };
  return agent;
}
