import { expect } from 'chai';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { Asset } from '../../src/modules/catalog/models.js';
import { formValuesFrom } from '../../src/modules/catalog/service.js';
import { testContext } from '../helpers/app.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { createBody, createUser } from '../helpers/factories.js';
import { DEMO_PASSWORD, loginAs, postForm } from '../helpers/http.js';
import { startSecondInstance, type SecondInstance } from '../helpers/instance.js';
import { importAndConfirm, uniqueFixture, visibleText } from './catalog/helpers.js';

// Two web processes on one database: the shared test app (A) and a second `src/server.ts` (B).
// Visitors' catalogue pages and facet counts are cached in each process; what A writes must be on
// B's pages at B's very next request, with no call from A to B.
describe('caches: two web processes on one database', function () {
  this.timeout(180_000);
  let b: SecondInstance;
  before(async () => {
    b = await startSecondInstance();
  });
  after(async () => {
    await b?.stop();
  });

  /** An anonymous visitor's page on B, twice: the second answer comes from B's page cache. */
  const onB = async (path: string) => {
    const first = await fetch(`${b.baseUrl}${path}`);
    const text = await first.text();
    const again = await fetch(`${b.baseUrl}${path}`);
    expect(await again.text()).to.equal(text);
    return { status: first.status, text: visibleText(text), html: text };
  };
  const search = (name: string) => `/catalogo?q=${encodeURIComponent(name)}`;

  async function publishedAsset() {
    const body = await createBody({ isCedent: true, name: `Comune di Cedenza ${Date.now()}` });
    const staff = await loginAs('staff@cithub.example');
    const fixture = uniqueFixture('complete.yml');
    const asset = await importAndConfirm(staff, fixture.text, 'publish', { entityId: String(body.id) });
    expect(asset.status).to.equal('published');
    expect(asset.entityId).to.equal(body.id);
    return { body, staff, asset };
  }

  it('a catalogue edit through A is on B’s detail and list pages at B’s next request', async () => {
    const { staff, asset } = await publishedAsset();
    const path = `/catalogo/${asset.slug}`;
    const before = await onB(path);
    expect(before.status).to.equal(200);
    expect(before.text).to.contain(asset.name);
    expect((await onB(search(asset.name))).text).to.contain(asset.name);

    const renamed = `Registro Rinnovato ${Date.now()}`;
    const edit = await postForm(staff, `${path}/modifica`, `${path}/modifica`, { ...(formValuesFrom(asset) as Record<string, string | string[]>), name: renamed });
    expect(edit.status, visibleText(edit.text).slice(0, 1000)).to.equal(302);
    expect((await Asset.findByPk(asset.id))!.name).to.equal(renamed);

    const after = await onB(path);
    expect(after.text).to.contain(renamed);
    expect(after.text).to.not.contain(asset.name);
    const found = await onB(search(renamed));
    expect(found.html).to.contain(`href="${path}"`);
    expect(found.text).to.contain(renamed);

    // Archived through A: gone from B's public pages at once.
    expect((await postForm(staff, path, `${path}/archivia`, { comment: 'Sostituito.' })).status).to.equal(302);
    expect((await fetch(`${b.baseUrl}${path}`)).status).to.equal(404);
    expect((await onB(search(renamed))).html).to.not.contain(`href="${path}"`);
  });

  it('a publication through A is notified to every process and counted in B’s search and facets', async () => {
    // The test listens as B does (LISTEN cache_versions): the notification is the signal, then B
    // is asked a bounded number of times.
    const listener = new pg.Client({ connectionString: await testDatabaseUrl() });
    await listener.connect();
    try {
      await listener.query('LISTEN cache_versions');
      const notified = new Promise<void>((resolve) => listener.on('notification', (n) => n.payload === 'catalog_assets' && resolve()));
      const body = await createBody({ isCedent: true, name: `Comune di Notifica ${Date.now()}` });
      const byBody = `/catalogo?ente=${encodeURIComponent(body.ipaCode.toLowerCase())}`;
      expect((await onB(byBody)).text).to.contain('0 soluzioni');
      const staff = await loginAs('staff@cithub.example');
      const fixture = uniqueFixture('complete.yml');
      const asset = await importAndConfirm(staff, fixture.text, 'publish', { entityId: String(body.id) });
      await notified;
      let seen = false;
      for (let i = 0; i < 20 && !seen; i++) {
        const page = await onB(byBody);
        seen = page.text.includes(asset.name) && page.text.includes('1 soluzione');
      }
      expect(seen, 'B counts and lists the asset published through A').to.equal(true);
      const found = await onB(search(asset.name));
      expect(found.html).to.contain(`href="/catalogo/${asset.slug}"`);
    } finally {
      await listener.end();
    }
  });

  it('a body renamed through A shows its new name on B’s catalogue pages at B’s next request', async () => {
    const { body, asset } = await publishedAsset();
    const path = `/catalogo/${asset.slug}`;
    expect((await onB(path)).text).to.contain(body.name);
    expect((await onB(search(asset.name))).text).to.contain(body.name);

    const newName = `Unione dei Comuni Rinominata ${Date.now()}`;
    const admin = await loginAs('admin@cithub.example');
    const res = await postForm(admin, `/enti/${body.id}/modifica`, `/enti/${body.id}`, { ipaCode: body.ipaCode, name: newName, kind: body.kind, membershipStatus: body.membershipStatus, isCedent: 'on' });
    expect(res.status, visibleText(res.text).slice(0, 1000)).to.equal(302);

    const detail = await onB(path);
    expect(detail.text).to.contain(newName);
    expect(detail.text).to.not.contain(body.name);
    const list = await onB(search(asset.name));
    expect(list.text).to.contain(newName);
    expect(list.text).to.not.contain(body.name);
  });

  it('a body that stops being a cedent through A loses the proposal on B’s next signed-in page', async () => {
    const body = await createBody({ isCedent: true });
    const rtd = await createUser('rtd', body.id);
    const rtdOnB = await loginAs(rtd.email, DEMO_PASSWORD, b.baseUrl);
    const onBSigned = async () => (await rtdOnB.get('/catalogo')).text;
    expect(await onBSigned()).to.contain('href="/catalogo/importa"');

    const admin = await loginAs('admin@cithub.example');
    const res = await postForm(admin, `/enti/${body.id}/modifica`, `/enti/${body.id}`, { ipaCode: body.ipaCode, name: body.name, kind: body.kind, membershipStatus: body.membershipStatus });
    expect(res.status, visibleText(res.text).slice(0, 1000)).to.equal(302);
    expect(await onBSigned()).to.not.contain('href="/catalogo/importa"');
  });

  it('a staff member disabled and a mail quarantined through A show on B’s next page of the desk queue', async () => {
    const { platform } = await testContext();
    const operator = await createUser('staff', null, { name: `Operatrice Provvisoria ${Date.now()}` });
    const staffOnB = await loginAs('staff@cithub.example', DEMO_PASSWORD, b.baseUrl);
    const queue = async () => (await staffOnB.get('/richieste')).text;
    const pending = async () => Number((await platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM desk_mail_quarantine WHERE status = 'pending'`, { type: QueryTypes.SELECT }))[0].n);
    const before = await queue();
    expect(before).to.contain(`>${operator.name}</option>`);
    expect(before).to.contain(`Posta in quarantena (${await pending()})`);

    await platform.sequelize.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, { bind: [operator.id] });
    const [[item]] = await platform.sequelize.query(
      `INSERT INTO desk_mail_quarantine (reason, sender, subject) VALUES ('unknown_sender', 'ignoto@esempio.it', 'Messaggio di prova della cache') RETURNING id`,
    );
    try {
      const after = await queue();
      expect(after).to.not.contain(operator.name);
      expect(after).to.contain(`Posta in quarantena (${await pending()})`);
      expect(await pending()).to.be.greaterThan(0);
    } finally {
      // Other tests read the quarantine: the item goes (the operator stays disabled, unnamed elsewhere).
      await platform.sequelize.query('DELETE FROM desk_mail_quarantine WHERE id = $1', { bind: [(item as { id: number }).id] });
    }
  });

  it('bumps a table’s version in the writing transaction only, so a rollback leaves the caches alone', async () => {
    const { platform } = await testContext();
    const version = async () =>
      (await platform.sequelize.query<{ version: string }>(`SELECT version::text FROM cache_versions WHERE table_name = 'entities'`, { type: QueryTypes.SELECT }))[0].version;
    const start = await version();
    await platform.sequelize
      .transaction(async (transaction) => {
        await platform.sequelize.query(`UPDATE entities SET name = name WHERE id = -1`, { transaction });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await version()).to.equal(start);
    await platform.sequelize.query(`UPDATE entities SET name = name WHERE id = -1`);
    expect(BigInt(await version())).to.equal(BigInt(start) + 1n);
  });
});
