// The whole OCDS export as a stored export (src/platform/exports.ts): built once per change of the
// data, served pre-compressed with validators from the data's state, never stalling the server.
import http from 'node:http';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { allPackageExport, buildAllPackage, exportBuilds } from '../../../src/modules/tenders/opendata.js';
import { updateDossier } from '../../../src/modules/tenders/service.js';
import { testContext } from '../../helpers/app.js';
import { dossierFields, makeDossier, staffActor, uploadDoc } from './helpers.js';

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET that keeps the bytes as sent (supertest and fetch would decode them). */
async function rawGet(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const { baseUrl } = await testContext();
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${path}`, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const marker = () => `Z${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();

describe('tenders: the whole OCDS export, stored and pre-compressed', () => {
  it('builds once per change of the data, however many ask at once', async () => {
    const { app } = await testContext();
    const d = await makeDossier({ isPublic: 'on' });
    const title = `Avviso ${marker()}`;
    await uploadDoc(d.id, 'chiarimenti', title, 'public');
    const before = exportBuilds();
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(app).get('/gare/ocds.json')));
    expect(exportBuilds() - before).to.equal(1);
    for (const a of answers) {
      expect(a.status).to.equal(200);
      expect(a.text).to.equal(answers[0].text);
    }
    expect(answers[0].text).to.contain(title);
    // No change since: answered from the stored files.
    await Promise.all([request(app).get('/gare/ocds.json'), request(app).get('/gare/ocds.json')]);
    expect(exportBuilds() - before).to.equal(1);
  });

  it('answers 304 from the state of the data (ETag, Last-Modified), and a change shows in the next export', async () => {
    const { app } = await testContext();
    const d = await makeDossier({ isPublic: 'on' });
    const first = await request(app).get('/gare/ocds.json');
    expect(first.status).to.equal(200);
    expect(first.headers.vary).to.match(/Accept-Encoding/i);
    const { etag, 'last-modified': lastModified } = first.headers;
    expect(etag).to.match(/^"tenders-ocds-[\w-]+"$/);
    expect(Date.parse(lastModified)).to.be.at.least(Date.parse(new Date(d.updatedAt).toUTCString()));
    const builds = exportBuilds();
    expect((await request(app).get('/gare/ocds.json').set('If-None-Match', etag)).status).to.equal(304);
    expect((await request(app).get('/gare/ocds.json').set('If-Modified-Since', lastModified)).status).to.equal(304);
    expect(exportBuilds()).to.equal(builds);

    const title = `Rettifica ${marker()}`;
    await uploadDoc(d.id, 'chiarimenti', title, 'public');
    const stale = await request(app).get('/gare/ocds.json').set('If-None-Match', etag);
    expect(stale.status).to.equal(200);
    expect(stale.headers.etag).to.not.equal(etag);
    expect(stale.text).to.contain(title);
    expect((await request(app).get('/gare/ocds.json').set('If-None-Match', stale.headers.etag)).status).to.equal(304);
  });

  it('serves gzip and brotli made at build time that decode to the same bytes as the package built in memory', async () => {
    const { platform } = await testContext();
    await makeDossier({ isPublic: 'on' });
    const plain = await rawGet('/gare/ocds.json', { 'accept-encoding': 'identity' });
    const gz = await rawGet('/gare/ocds.json', { 'accept-encoding': 'gzip' });
    const br = await rawGet('/gare/ocds.json', { 'accept-encoding': 'gzip, deflate, br' });
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(br.headers['content-encoding']).to.equal('br');
    for (const r of [plain, gz, br]) {
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.contain('application/json');
      expect(Number(r.headers['content-length'])).to.equal(r.body.length);
      expect(r.headers.etag).to.equal(plain.headers.etag);
    }
    expect(gz.body.length).to.be.below(plain.body.length);
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).to.equal(true);
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).to.equal(true);
    // Written chunk by chunk from a cursor, the export is the same bytes as the package in one piece.
    expect(plain.body.toString('utf8')).to.equal(JSON.stringify(await buildAllPackage(platform)));
  });

  it('never shows a dossier that is not public, nor one taken back before publication', async () => {
    const { app, platform } = await testContext();
    const hidden = await makeDossier({ title: `Riservata ${marker()}` });
    const taken = `Ritirata ${marker()}`;
    const back = await makeDossier({ title: taken, isPublic: 'on' });
    expect((await request(app).get('/gare/ocds.json')).text).to.contain(taken);
    const actor = await staffActor();
    await updateDossier(platform, actor, back.id, { ...dossierFields({ title: taken }), rupUserId: String(actor.userId), isPublic: '' });
    const text = (await request(app).get('/gare/ocds.json')).text;
    expect(text).to.not.contain(hidden.title);
    expect(text).to.not.contain(taken);
  });

  it('keeps answering other requests while a big export is built', async () => {
    const { platform } = await testContext();
    const { sequelize } = platform;
    const tag = marker();
    const actor = await staffActor();
    // A few hundred public dossiers of this test only, dated years back (the end of every list).
    await sequelize.query(
      `INSERT INTO tender_dossiers (title, object, category, cpv, procedure, estimated_value_cents, rup_user_id, phase, is_public, updated_at)
       SELECT :tag || ' gara ' || g, 'Gara generata per la prova dell''export', 'services', '72000000-5', 'procedura_aperta', 10000000 + g, :rup,
              'published', true, now() - interval '5 years' - (g || ' minutes')::interval
         FROM generate_series(1, 400) g`,
      { replacements: { tag, rup: actor.userId } },
    );
    await sequelize.query(
      `INSERT INTO tender_milestones (dossier_id, kind, title, due_on, owner_user_id)
       SELECT d.id, (ARRAY['publication','offers_deadline','award'])[k], 'Scadenza ' || k, current_date + k * 10, :rup
         FROM tender_dossiers d CROSS JOIN generate_series(1, 3) k WHERE d.title LIKE :like`,
      { replacements: { rup: actor.userId, like: `${tag} gara %` } },
    );
    const exp = allPackageExport(platform);
    const before = exportBuilds();
    const order: string[] = [];
    // Under way: the package's head and the first releases are written (the second chunk).
    let chunks = 0;
    const count = () => chunks++;
    exp.events.on('chunk', count);
    const underWay = new Promise<void>((resolve) => {
      const seen = () => {
        if (chunks < 2) return;
        exp.events.off('chunk', seen);
        resolve();
      };
      exp.events.on('chunk', seen);
    });
    const exported = rawGet('/gare/ocds.json').then((r) => {
      order.push('export');
      return r;
    });
    await underWay;
    const health = await rawGet('/healthz');
    order.push('healthz');
    const chunksAtHealth = chunks;
    const r = await exported;
    exp.events.off('chunk', count);
    expect(health.status).to.equal(200);
    expect(r.status).to.equal(200);
    expect(exportBuilds() - before).to.equal(1);
    // The build had begun before /healthz was asked, and /healthz was answered before it ended.
    expect(order).to.deep.equal(['healthz', 'export']);
    // …and while releases were still being written: the build gave the event loop back between
    // slices of releases, not only around its queries (the last chunk closes the package).
    expect(chunksAtHealth).to.be.below(chunks - 1);
    const [{ n }] = await sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM tender_dossiers WHERE title LIKE :like', { replacements: { like: `${tag} gara %` }, type: QueryTypes.SELECT });
    expect((r.body.toString('utf8').match(new RegExp(`"title":"${tag} gara \\d+"`, 'g')) ?? []).length).to.equal(n);
  });
});
