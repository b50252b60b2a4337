// Signed-in HTTP clients (supertest agents that keep cookies) and the CSRF token of a page.
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { testContext } from './app.js';

export const DEMO_PASSWORD = 'cithub-demo';
export type Agent = InstanceType<typeof TestAgent>;

export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/**
 * An agent with a session but no login; `csrf()` reads a fresh token from a page. It talks to the
 * shared test app, or to the server at `baseUrl` (a second process on the same database).
 */
export async function anonymousAgent(baseUrl?: string): Promise<Agent & { csrf: (path?: string) => Promise<string> }> {
  const agent = request.agent(baseUrl ?? (await testContext()).app) as Agent & { csrf: (path?: string) => Promise<string> };
  agent.csrf = async (path = '/login') => csrfFrom((await agent.get(path)).text);
  return agent;
}

export async function loginAs(email: string, password = DEMO_PASSWORD, baseUrl?: string) {
  const agent = await anonymousAgent(baseUrl);
  const token = await agent.csrf('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  if (res.status !== 302) throw new Error(`login of ${email} failed with ${res.status}`);
  return agent;
}

/** POSTs a form with a valid CSRF token taken from `pagePath`. */
export async function postForm(agent: Agent & { csrf: (path?: string) => Promise<string> }, pagePath: string, action: string, fields: Record<string, string | string[]>) {
  const token = await agent.csrf(pagePath);
  return agent.post(action).type('form').send({ _csrf: token, ...fields });
}
