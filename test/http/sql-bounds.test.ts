import { expect } from 'chai';
import { recountAdoptions } from '../../src/modules/catalog/adoption.js';
import { setCatalogCaching } from '../../src/modules/catalog/cache.js';
import { Adoption } from '../../src/modules/catalog/models.js';
import { createRequest } from '../../src/modules/desk/service.js';
import { addLot, addMilestone, addParticipant } from '../../src/modules/tenders/service.js';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { loginAs } from '../helpers/http.js';
import { countingAgent, type CountingAgent } from '../helpers/sql.js';
import { importAndConfirm, uniqueFixture } from './catalog/helpers.js';
import { actorOf, pdf, postMessage, requestFields, type CsrfAgent } from './desk/helpers.js';
import { makeDossier, staffActor, uniqueCig, uploadDoc } from './tenders/helpers.js';

// Every key page runs the same number of SQL statements with one row of its kind as with N+1:
// measured, N more rows added (of the test's own body), measured again. Each measurement is the
// second of two identical requests, so the caches keyed on the database's version are in the same
// (warm) state both times; the catalogue's page and facet caches are off, since a page must be
// fast without them.
const N = 6;
/** A word of letters only, so full-text and LIKE searches find this test's rows and nobody else's. */
const word = () => `Misura${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
const occurrences = (text: string, w: string) => text.split(w).length - 1;
const measured: Array<{ page: string; before: number; after: number; ceiling: number }> = [];

async function statements(agent: CountingAgent, path: string): Promise<{ n: number; text: string; list: string[] }> {
  await agent.count(path);
  const res = await agent.count(path);
  expect(res.status, path).to.equal(200);
  return { n: res.statements.length, text: res.text, list: res.statements };
}

type Probe = { page: string; agent: CountingAgent; path: string; ceiling: number; shown?: (text: string) => number };

/** Measures each page, adds rows, measures again: equal, under the ceiling, and the new rows are on the page. */
async function boundedAll(probes: Probe[], more: () => Promise<void>) {
  const before = [];
  for (const p of probes) before.push(await statements(p.agent, p.path));
  await more();
  for (const [i, p] of probes.entries()) {
    const after = await statements(p.agent, p.path);
    if (p.shown) expect(p.shown(after.text), `${p.page}: the added rows are shown`).to.be.greaterThan(p.shown(before[i].text));
    measured.push({ page: p.page, before: before[i].n, after: after.n, ceiling: p.ceiling });
    expect(after.n, `${p.page}: statements grew with the rows shown\n${after.list.join('\n')}`).to.equal(before[i].n);
    expect(after.n, `${p.page}: statements\n${after.list.join('\n')}`).to.be.at.most(p.ceiling);
  }
}

function bounded(page: string, agent: CountingAgent, path: string, ceiling: number, more: () => Promise<void>, shown?: (text: string) => number) {
  return boundedAll([{ page, agent, path, ceiling, shown }], more);
}

describe('SQL statements per page do not grow with the rows shown', function () {
  this.timeout(300_000);
  before(async () => {
    await testContext();
    setCatalogCaching(false);
  });
  after(() => {
    setCatalogCaching(true);
    console.log('      statements per page (before → after adding rows; ceiling):');
    for (const m of measured) console.log(`        ${m.page}: ${m.before} → ${m.after} (≤ ${m.ceiling})`);
  });

  it('counts every statement of its own request and only those, with other statements running meanwhile', async () => {
    const { platform } = await testContext();
    const visitor = await countingAgent();
    // The bodies list runs exactly these: the count and the page of findAndCountAll, and the provinces.
    const alone = await statements(visitor, '/enti');
    expect(alone.list, alone.list.join("\n")).to.have.length(3);
    expect(alone.list.filter((q) => /^SELECT count\(/.test(q) && q.includes('FROM "entities"'))).to.have.length(1);
    expect(alone.list.filter((q) => q.includes('FROM "entities"') && q.includes('LIMIT'))).to.have.length(1);
    expect(alone.list.filter((q) => q.includes('GROUP BY "provinceCode"'))).to.have.length(1);
    let stop = false;
    const noise = (async () => {
      while (!stop) await platform.sequelize.query('SELECT pg_sleep(0.001)');
    })();
    try {
      const together = await statements(visitor, '/enti');
      expect(together.n).to.equal(alone.n);
    } finally {
      stop = true;
      await noise;
    }
    expect(alone.n).to.be.greaterThan(0);
  });

  it('home, anonymous', async () => {
    await bounded('home (visitor)', await countingAgent(), '/', 20, async () => {
      for (let i = 0; i < N; i++) await createBody();
    });
  });

  it('home, signed in as RTD', async () => {
    const { platform } = await testContext();
    const body = await createBody({ isCedent: true });
    const rtd = await createUser('rtd', body.id);
    const member = await createUser('member', body.id);
    const agent = await countingAgent(rtd.email);
    await createRequest(platform, actorOf(member), requestFields(), []);
    await bounded('home (RTD)', agent, '/', 30, async () => {
      const staff = await staffActor();
      for (let i = 0; i < N; i++) {
        await createRequest(platform, actorOf(member), requestFields(), []);
        const dossier = await makeDossier();
        await addParticipant(platform, staff, dossier.id, { entityId: String(body.id), status: 'joined', share: '1.000' });
      }
    });
  });

  it('catalogue list', async () => {
    const staff = await loginAs('staff@cithub.example');
    const w = word();
    const publish = () => importAndConfirm(staff, uniqueFixture('complete.yml').text.replace(/^name: .+$/m, `name: Registro ${w} ${Math.random().toString(36).slice(2, 8)}`), 'publish');
    await publish();
    await bounded('catalogue list', await countingAgent(), `/catalogo?q=${w}`, 20, async () => {
      for (let i = 0; i < N; i++) await publish();
    }, (text) => occurrences(text, `Registro ${w}`));
  });

  it('catalogue detail', async () => {
    const { platform } = await testContext();
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
    const w = word();
    const adopt = async () => {
      const body = await createBody({ name: `Comune di ${w} ${Math.random().toString(36).slice(2, 8)}` });
      await Adoption.create({ assetId: asset.id, entityId: body.id, status: 'in_use', since: '2025-01-01', note: null, declaredBy: null });
      await recountAdoptions(platform, asset.id);
    };
    await adopt();
    await bounded('catalogue detail', await countingAgent(), `/catalogo/${asset.slug}`, 25, async () => {
      for (let i = 0; i < N; i++) await adopt();
    }, (text) => occurrences(text, `Comune di ${w}`));
  });

  it('desk list and a request page', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const member = await createUser('member', body.id);
    const w = word();
    const first = await createRequest(platform, actorOf(member), requestFields({ subject: `Richiesta ${w} 0` }), []);
    const agent = await countingAgent(member.email);
    const operator = await createUser('staff', null);
    const staffCounting = await countingAgent(operator.email);
    const mine = (text: string) => occurrences(text, `Richiesta ${w}`);
    await boundedAll(
      [
        { page: 'desk list (member)', agent, path: '/richieste', ceiling: 25, shown: mine },
        { page: 'desk queue (staff)', agent: staffCounting, path: `/richieste?q=${w}`, ceiling: 25, shown: mine },
      ],
      async () => {
        for (let i = 1; i <= N; i++) await createRequest(platform, actorOf(member), requestFields({ subject: `Richiesta ${w} ${i}` }), []);
      },
    );

    const staff = (await loginAs(operator.email)) as CsrfAgent;
    await postMessage(staff, first.id, { internal: '', body: `Risposta ${w}` }, [{ buffer: pdf(`${w} 0`), name: 'allegato-0.pdf' }]);
    const attachments = (text: string) => occurrences(text, 'allegato-');
    await boundedAll(
      [
        { page: 'desk request page (member)', agent, path: `/richieste/${first.id}`, ceiling: 30, shown: attachments },
        { page: 'desk request page (staff)', agent: staffCounting, path: `/richieste/${first.id}`, ceiling: 30, shown: attachments },
      ],
      async () => {
        for (let i = 1; i <= N; i++) {
          const res = await postMessage(staff, first.id, { internal: i % 2 ? 'on' : '', body: `Risposta ${w} ${i}` }, [{ buffer: pdf(`${w} ${i}`), name: `allegato-${i}.pdf` }]);
          expect(res.status).to.equal(302);
        }
      },
    );
  });

  it('tender list and a dossier page', async () => {
    const { platform } = await testContext();
    const actor = await staffActor();
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    const w = word();
    const dossierFor = async (i: number) => {
      const d = await makeDossier({ title: `Gara ${w} ${i}` });
      await addParticipant(platform, actor, d.id, { entityId: String(body.id), status: 'joined', share: '1.000' });
      await addLot(platform, actor, d.id, { number: '1', title: 'Lotto unico', cig: uniqueCig(), value: '10.000' });
      return d;
    };
    const first = await dossierFor(0);
    await bounded('tender list (RTD)', await countingAgent(rtd.email), `/gare?q=${w}`, 20, async () => {
      for (let i = 1; i <= N; i++) await dossierFor(i);
    }, (text) => occurrences(text, `Gara ${w}`));

    await uploadDoc(first.id, 'capitolato', `Documento ${w} 0`, 'participants');
    await addMilestone(platform, actor, first.id, { kind: 'publication', title: `Scadenza ${w} 0`, dueOn: '2027-03-01', dueTime: '', ownerUserId: String(actor.userId), note: '' });
    const staff = await countingAgent('staff@cithub.example');
    await bounded('dossier page (staff)', staff, `/gare/${first.id}`, 35, async () => {
      for (let i = 1; i <= N; i++) {
        await uploadDoc(first.id, 'capitolato', `Documento ${w} ${i}`, i % 2 ? 'public' : 'participants');
        await addMilestone(platform, actor, first.id, { kind: 'other', title: `Scadenza ${w} ${i}`, dueOn: `2027-03-0${i + 1}`, dueTime: '', ownerUserId: String(actor.userId), note: '' });
        await addLot(platform, actor, first.id, { number: String(i + 1), title: `Lotto ${i + 1}`, cig: uniqueCig(), value: '10.000' });
        const other = await createBody();
        await addParticipant(platform, actor, first.id, { entityId: String(other.id), status: 'joined', share: '1.000' });
      }
    }, (text) => occurrences(text, `Documento ${w}`));
    await bounded('dossier page (RTD)', await countingAgent(rtd.email), `/gare/${first.id}`, 35, async () => {
      await uploadDoc(first.id, 'capitolato', `Documento ${w} bis`, 'participants');
    });
  });

  it('bodies list', async () => {
    const w = word();
    await createBody({ name: `Comune di ${w} 0` });
    await bounded('bodies list (visitor)', await countingAgent(), `/enti?q=${w}`, 15, async () => {
      for (let i = 1; i <= N; i++) await createBody({ name: `Comune di ${w} ${i}` });
    }, (text) => occurrences(text, `Comune di ${w}`));
  });
});
