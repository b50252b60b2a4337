import { expect } from 'chai';
import request from 'supertest';
import { parsePubliccode } from '../../../src/modules/catalog/publiccode.js';
import { findPublishedAssetBySlug } from '../../../src/modules/catalog/service.js';
import { testContext } from '../../helpers/app.js';
import { createBody } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';
import { importAndConfirm, pasteImport, uniqueFixture, visibleText } from './helpers.js';

async function get(path: string) {
  const { app } = await testContext();
  return request(app).get(path);
}

describe('catalogue: the asset page', () => {
  before(async () => {
    await testContext();
  });

  it('shows a visitor everything a reuser needs', async () => {
    const res = await get('/catalogo/prenota-uffici');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    for (const expected of [
      'Prenota Uffici',
      'Ceduto da Provincia di Brescia (codice IPA p_bs )',
      'Versione 2.1.0',
      'Data di rilascio 10/03/2025',
      'Stato di sviluppo Stabile',
      'Tipo di software Applicazione web',
      'Piattaforme Web, Android, iOS',
      'Licenza AGPL-3.0-or-later',
      'Affidata con contratto',
      'Sinergie Digitali S.r.l. — contratto fino al 31/12/2027',
      'Ufficio CIT',
      'SPID: integrata',
      'CIE (Carta d\'identità elettronica): integrata',
      'App IO: integrata',
      'pagoPA: non indicata',
      'Funzionalità',
      'Promemoria e disdetta tramite l\'app IO',
      'Usato da 2 enti',
      'Comune di Potenza',
      'In valutazione (1)',
      'Soluzioni correlate',
      '1.4.4 Adozione identità digitale',
    ]) {
      expect(text, expected).to.contain(expected);
    }
    expect(res.text).to.contain('href="https://github.com/provincia-brescia/prenota-uffici"');
    expect(res.text).to.contain('href="/catalogo/prenota-uffici/publiccode.yml"');
    // The body's own note is private to that body and staff.
    expect(text).not.to.contain('Usato per anagrafe e tributi.');
    // No support button for visitors.
    expect(res.text).not.to.contain('/richieste/nuova');
  });

  it('shows the dependencies of a software', async () => {
    const text = visibleText((await get('/catalogo/albo-pretorio-cit')).text);
    expect(text).to.contain('Dipendenze');
    expect(text).to.contain('PostgreSQL (da 13)');
  });

  it('shows Italian first and switches to the other languages of the description', async () => {
    const it = await get('/catalogo/prenota-uffici');
    expect(it.text).to.match(/<div class="catalog-lang-pane" data-lang="it" lang="it">/);
    expect(it.text).to.match(/<div class="catalog-lang-pane" data-lang="en" lang="en" hidden>/);
    const en = await get('/catalogo/prenota-uffici?lingua=en');
    expect(en.text).to.match(/<div class="catalog-lang-pane" data-lang="en" lang="en">/);
    expect(en.text).to.match(/<div class="catalog-lang-pane" data-lang="it" lang="it" hidden>/);
    expect(en.text).to.match(/href="\?lingua=en#descrizione"[^>]*aria-current="true"/);
    expect((await get('/catalogo/prenota-uffici?lingua=xx')).status).to.equal(200);
  });

  it('shows a reader who chose English the English description first, and marks an Italian lead as Italian', async () => {
    const { app } = await testContext();
    const english = await request(app).get('/catalogo/prenota-uffici').set('Cookie', 'lang=en');
    expect(english.text).to.match(/<div class="catalog-lang-pane" data-lang="en" lang="en">/);
    expect(english.text).to.match(/<div class="catalog-lang-pane" data-lang="it" lang="it" hidden>/);
    expect(english.text).to.match(/<p class="lead">[^<]+</);
    const asked = await request(app).get('/catalogo/prenota-uffici?lingua=it').set('Cookie', 'lang=en');
    expect(asked.text).to.match(/<div class="catalog-lang-pane" data-lang="it" lang="it">/);
    expect(asked.text).to.match(/<p class="lead" lang="it">/);
  });

  it('shows a signed-in member the support button and the adoption form, and their own note', async () => {
    const agent = await loginAs('rtd@potenza.cithub.example');
    const res = await agent.get('/catalogo/prenota-uffici');
    expect(res.text).to.contain('href="/richieste/nuova?asset=prenota-uffici"');
    expect(visibleText(res.text)).to.contain('Richiedi supporto al riuso');
    expect(visibleText(res.text)).to.contain('Hai dichiarato: In uso dal 04/11/2024');
    expect(visibleText(res.text)).to.contain('Usato per anagrafe e tributi.');
  });

  it('lists as related the published assets sharing the most categories first, else those sharing a scope', async () => {
    const { platform } = await testContext();
    const staff = await loginAs('staff@cithub.example');
    const tag = `rel-${Date.now().toString(36)}`;
    const made = new Set<string>();
    const make = async (set: { categories?: string[]; scopes?: string[]; inUse?: number; status?: string }) => {
      const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
      // No platforms: these assets stay out of the other tests' filtered lists.
      await platform.sequelize.query("UPDATE catalog_assets SET categories = :c::text[], scopes = :s::text[], italian_platforms = '{}', in_use_count = :n, status = :st WHERE id = :id", {
        replacements: { c: `{${(set.categories ?? []).join(',')}}`, s: `{${(set.scopes ?? []).join(',')}}`, n: set.inUse ?? 0, st: set.status ?? 'published', id: asset.id },
      });
      made.add(asset.slug);
      return asset;
    };
    const a = await make({ categories: [`${tag}-a`, `${tag}-b`] });
    const both = await make({ categories: [`${tag}-a`, `${tag}-b`] });
    const one = await make({ categories: [`${tag}-a`], inUse: 5 });
    await make({ categories: [`${tag}-a`, `${tag}-b`], status: 'draft' });
    await make({ categories: [`${tag}-c`] });
    const related = (html: string) => [...html.matchAll(/href="\/catalogo\/([a-z0-9-]+)"/g)].map((m) => m[1]).filter((s) => made.has(s));
    // Signed in, so no page cache stands between the rows changed here and the page.
    expect(related((await staff.get(`/catalogo/${a.slug}`)).text)).to.deep.equal([both.slug, one.slug]);
    const scoped = await make({ scopes: [`${tag}-s`] });
    const sameScope = await make({ scopes: [`${tag}-s`] });
    await make({ scopes: [`${tag}-t`] });
    expect(related((await staff.get(`/catalogo/${scoped.slug}`)).text)).to.deep.equal([sameScope.slug]);
    // Neither: the cedent's other published assets; nothing at all without a cedent.
    const cedent = await createBody();
    const bare = await make({});
    const sibling = await make({});
    await platform.sequelize.query('UPDATE catalog_assets SET entity_id = :e WHERE id IN (:ids)', { replacements: { e: cedent.id, ids: [bare.id, sibling.id] } });
    const page = await staff.get(`/catalogo/${bare.slug}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`href="/catalogo/${sibling.slug}"`);
    await platform.sequelize.query('UPDATE catalog_assets SET entity_id = NULL WHERE id = :id', { replacements: { id: bare.id } });
    const orphan = await staff.get(`/catalogo/${bare.slug}`);
    expect(orphan.status).to.equal(200);
    expect(orphan.text).not.to.contain('id="correlati-title"');
  });

  describe('bad input in the file', () => {
    let slug: string;
    before(async () => {
      const staff = await loginAs('staff@cithub.example');
      slug = (await importAndConfirm(staff, uniqueFixture('unsafe.yml').text, 'publish')).slug;
    });

    it('a javascript: link in any URL field is dropped with a warning and never rendered as a link', async () => {
      const staff = await loginAs('staff@cithub.example');
      const res = await pasteImport(staff, uniqueFixture('unsafe.yml').text);
      const preview = visibleText((await staff.get(res.headers.location as string)).text);
      for (const path of ['landingURL', 'roadmap', 'description.it.documentation', 'maintenance.contractors[0].website']) {
        expect(preview, path).to.match(new RegExp(`${path.replace(/[.[\]]/g, '\\$&')} L'indirizzo usa lo schema «javascript:», non ammesso`));
      }
      for (const path of [`/catalogo/${slug}`, `/catalogo?q=${encodeURIComponent('sportello sicuro')}`]) {
        const page = await get(path);
        expect(page.status, path).to.equal(200);
        // javascript: appears only as escaped text of the description, never inside an attribute.
        expect(page.text, path).not.to.match(/=\s*["']?\s*javascript:/i);
      }
      // The export has no URL key left with the dropped values.
      const yml = (await get(`/catalogo/${slug}/publiccode.yml`)).text;
      expect(yml).not.to.match(/^\s*(landingURL|roadmap|documentation|website):/m);
    });

    it('HTML and script in the names and descriptions are shown as text', async () => {
      for (const path of [`/catalogo/${slug}`, `/catalogo?q=${encodeURIComponent('sportello sicuro')}`]) {
        const res = await get(path);
        expect(res.status).to.equal(200);
        expect(res.text).not.to.match(/<script>alert/i);
        expect(res.text).not.to.match(/<img src=x/i);
        expect(res.text).not.to.match(/<iframe/i);
        expect(res.text).not.to.match(/<b>Grassetto/);
        expect(visibleText(res.text)).to.contain("<b>Grassetto</b> e <img src=x onerror=alert('short')>");
        expect(visibleText(res.text)).to.contain("Sportello <script>alert('nome')</script> Sicuro");
      }
      const page = await get(`/catalogo/${slug}`);
      expect(visibleText(page.text)).to.contain("<script>alert('long')</script> Questa descrizione contiene HTML");
      expect(visibleText(page.text)).to.contain('Fornitore <em>Srl</em>');
      expect(visibleText(page.text)).to.contain("<iframe src='https://evil.example'></iframe>");
    });
  });

  it('a draft is not found for visitors and for other bodies', async () => {
    const res = await get('/catalogo/pagamenti-russi');
    expect(res.status).to.equal(404);
    const other = await loginAs('rtd@potenza.cithub.example');
    expect((await other.get('/catalogo/pagamenti-russi')).status).to.equal(404);
    expect((await other.get('/catalogo/pagamenti-russi/publiccode.yml')).status).to.equal(404);
    const own = await loginAs('rtd@russi.cithub.example');
    const mine = await own.get('/catalogo/pagamenti-russi');
    expect(mine.status).to.equal(200);
    expect(visibleText(mine.text)).to.contain('problemi da risolvere prima della pubblicazione');
  });

  it('findPublishedAssetBySlug gives the desk id, slug and name of published assets only', async () => {
    const found = await findPublishedAssetBySlug('prenota-uffici');
    expect(found).to.include({ slug: 'prenota-uffici', name: 'Prenota Uffici' });
    expect(found!.id).to.be.a('number');
    expect(await findPublishedAssetBySlug('pagamenti-russi')).to.equal(null);
    expect(await findPublishedAssetBySlug('non-esiste')).to.equal(null);
    expect(await findPublishedAssetBySlug('../../etc')).to.equal(null);
  });

  describe('export to publiccode.yml', () => {
    it('writes the current spec with organisation.uri from the cedent’s IPA code', async () => {
      const res = await get('/catalogo/prenota-uffici/publiccode.yml');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.contain('text/yaml');
      expect(res.text).to.match(/^publiccodeYmlVersion: "0\.7"/);
      expect(res.text).to.contain('uri: urn:x-italian-pa:p_bs');
      expect(res.text).not.to.match(/riuso|codiceIPA/);
    });

    it('export → import round-trips without warnings, for every published software of the demo', async () => {
      for (const slug of ['albo-pretorio-cit', 'prenota-uffici', 'russi-segnala', 'tema-siti-comunali']) {
        const res = await get(`/catalogo/${slug}/publiccode.yml`);
        const parsed = parsePubliccode(res.text);
        if (!parsed.ok) expect.fail(`${slug}: ${parsed.reason}`);
        expect(parsed.warnings, slug).to.deep.equal([]);
        expect(parsed.asset.complete, slug).to.equal(true);
      }
    });

    it('the exported file imported again through the page shows no warning and updates the same asset', async () => {
      const staff = await loginAs('staff@cithub.example');
      const original = await importAndConfirm(staff, uniqueFixture('complete.yml').text, 'publish');
      const exported = (await get(`/catalogo/${original.slug}/publiccode.yml`)).text;
      const res = await pasteImport(staff, exported);
      const preview = await staff.get(res.headers.location as string);
      expect(visibleText(preview.text)).to.contain('Nessun avviso');
      expect(visibleText(preview.text)).to.contain('è già nel catalogo');
      const again = await importAndConfirm(staff, exported, 'publish');
      expect(again.id).to.equal(original.id);
      expect(again.publiccode).to.deep.equal({ ...original.publiccode, publiccodeYmlVersion: '0.7' });
    });

    it('an asset without a repository has no publiccode.yml, with a clear message', async () => {
      const res = await get('/catalogo/capitolato-tipo-per-servizi-cloud-qualificati/publiccode.yml');
      expect(res.status).to.equal(404);
      expect(visibleText(res.text)).to.contain('il file publiccode.yml non è disponibile');
    });
  });

  it('the attachments of a published asset download with Content-Disposition: attachment', async () => {
    const page = await get('/catalogo/regolamento-per-luso-degli-strumenti-informatici-e-telematici');
    const href = page.text.match(/href="(\/catalogo\/regolamento[^"]+\/file\/\d+)"/)![1];
    const file = await get(href);
    expect(file.status).to.equal(200);
    expect(file.headers['content-type']).to.equal('application/pdf');
    expect(file.headers['content-disposition']).to.equal('attachment; filename="regolamento-strumenti-informatici.pdf"');
    expect(file.headers['x-content-type-options']).to.equal('nosniff');
    expect(String(file.body.slice(0, 5))).to.equal('%PDF-');
  });
});
