// Every CSV export of every area, listed from the routers (a route ending in .csv or /csv), is
// requested by the administrator with ids of real records, after a visitor has put a formula into the
// audit log: each answers the one CSV responder's format (BOM, «;», CRLF) and no cell of any export
// starts with = + - @, a tab or a carriage return unless it is a plain number (OWASP CSV injection).
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../helpers/app.js';
import { anonymousAgent, loginAs } from '../helpers/http.js';
import { allRoutes } from '../helpers/routes.js';

/** The cells of a «;»-separated CSV with "…" quoting. */
function cells(text: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ';' || c === '\n') (out.push(cell.replace(/\r$/, '')), (cell = ''));
    else cell += c;
  }
  if (cell) out.push(cell);
  return out;
}

const IDS: Array<[RegExp, string]> = [
  [/^\/affiancamento\/modelli\/versioni\/:id/, 'SELECT max(id) AS id FROM coaching_template_versions'],
  [/^\/affiancamento\/:entityId/, `SELECT min(id) AS "entityId" FROM entities WHERE kind = 'comune'`],
  [/^\/finanziamenti\/avvisi\/:id/, 'SELECT max(id) AS id FROM funding_calls'],
  [/^\/gare\/:id/, 'SELECT max(dossier_id) AS id FROM tender_needs_calls'],
  [/^\/formazione\/cicli\/:id/, "SELECT max(id) AS id FROM training_cycles WHERE state = 'published'"],
  [/^\/formazione\/sessioni\/:id/, 'SELECT max(id) AS id FROM training_sessions'],
  [/^\/formazione\/ore\/enti\/:id/, `SELECT min(id) AS id FROM entities WHERE kind = 'comune'`],
];

describe('security: formulas never leave in a CSV export', function () {
  this.timeout(300_000);

  it('every CSV export of every area goes through the one responder and neutralises formula cells', async () => {
    const { platform } = await testContext();
    // The finding of the issue: a failed login with a formula as email lands in the audit log.
    const visitor = await anonymousAgent();
    const loginToken = await visitor.csrf('/login');
    const failed = await visitor.post('/login').type('form').send({ _csrf: loginToken, email: '=HYPERLINK("http://evil.example","x")@a.it', password: 'sbagliata' });
    expect(failed.status).to.equal(401);
    const admin = await loginAs('admin@cithub.example');
    const routes = (await allRoutes()).filter((r) => r.method === 'get' && /(\.csv|\/csv)$/.test(r.path));
    expect(routes.length).to.be.greaterThan(10);
    const checked: string[] = [];
    for (const route of routes) {
      let url = route.path;
      if (url.includes(':')) {
        const [, sql] = IDS.find(([m]) => m.test(route.path)) ?? [];
        expect(sql, `no id for the CSV export ${route.path}: add it here`).to.be.a('string');
        const [row] = await platform.sequelize.query<Record<string, unknown>>(sql!, { type: QueryTypes.SELECT }).catch((err: Error & { original?: Error }) => {
          throw new Error(`${route.path}: ${err.original?.message ?? err.message}`);
        });
        for (const p of [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1])) {
          expect(row?.[p], `${route.path}: no record for :${p}`).to.not.equal(null);
          url = url.replace(`:${p}`, String(row[p]));
        }
      }
      // Exports that need a query to say which table: the first one.
      if (route.path === '/richieste/report.csv') url += '?table=ente';
      const res = await admin.get(url).buffer(true).parse((r, cb) => {
        let t = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (t += c));
        r.on('end', () => cb(null, t));
      });
      expect(res.status, url).to.equal(200);
      expect(res.headers['content-type'], url).to.match(/^text\/csv/);
      const text = res.body as string;
      expect(text.charCodeAt(0), `${url}: the responder's BOM`).to.equal(0xfeff);
      expect(text, `${url}: the responder's CRLF`).to.contain('\r\n');
      for (const cell of cells(text.slice(1))) {
        if (/^-?\d+([.,]\d+)?$/.test(cell)) continue;
        expect(cell, `${url}: a cell a spreadsheet would read as a formula`).to.not.match(/^[=+\-@\t\r]/);
      }
      checked.push(url);
    }
    const audit = checked.find((u) => u.startsWith('/admin/audit.csv'));
    expect(audit).to.be.a('string');
    const auditCsv = (await admin.get('/admin/audit.csv')).text;
    expect(auditCsv).to.match(/;"?'=hyperlink\(/i);
    console.log(`      CSV exports checked: ${checked.length} (${checked.join(', ')})`);
  });
});
