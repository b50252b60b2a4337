import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';
import { importAndConfirm, uniqueFixture, visibleText } from './helpers.js';

async function get(path: string) {
  const { app } = await testContext();
  return request(app).get(path);
}

const resultSlugs = (html: string) => [...html.matchAll(/<h3 class="h5 mb-1"><a href="\/catalogo\/([a-z0-9-]+)">/g)].map((m) => m[1]);

describe('catalogue: the public list', () => {
  before(async () => {
    await testContext();
  });

  it('shows the published demo assets with facets and counts to a visitor', async () => {
    const res = await get('/catalogo');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.match(/\d+ soluzioni/);
    // By name, so that what other tests publish before this one (newest first) never pushes a demo asset off the page.
    const byName = async (name: string) => {
      const html = (await get(`/catalogo?ordina=nome&q=${encodeURIComponent(name)}`)).text;
      return [...html.matchAll(/<h3 class="h5 mb-1"><a href="\/catalogo\/[a-z0-9-]+">([^<]+)<\/a>/g)].map((m) => visibleText(m[1]).trim());
    };
    expect(await byName('Albo Pretorio CIT')).to.include('Albo Pretorio CIT');
    expect(await byName('Regolamento per l’uso degli strumenti informatici e telematici')).to.include('Regolamento per l’uso degli strumenti informatici e telematici');
    // Drafts and submissions are not public, not even when searched for by name.
    expect(await byName('Pagamenti Russi')).not.to.include('Pagamenti Russi');
    expect(await byName('Checklist di accessibilità per i siti comunali')).not.to.include('Checklist di accessibilità per i siti comunali');
    for (const facet of ['Tipo', 'Categoria', 'Ambito', 'Piattaforme nazionali', 'Misura PNRR', 'Stato di sviluppo', 'Licenza', 'Piattaforma', 'Ente cedente', 'In uso presso almeno un ente']) {
      expect(text, facet).to.contain(facet);
    }
    expect(res.text).to.match(/name="tipo" value="template"[^>]*><label[^>]*>Modello di documento <span class="facet-count">\(\d+\)<\/span>/);
    expect(res.text).to.contain('href="/catalogo.csv"');
  });

  it('finds assets by Italian full text, accents and stems folded, name weighted first', async () => {
    const res = await get('/catalogo?q=prenotazione%20appuntamenti');
    expect(resultSlugs(res.text)[0]).to.equal('prenota-uffici');
    const accents = await get('/catalogo?q=pubblicita%20legale');
    expect(visibleText(accents.text)).to.contain('Albo Pretorio CIT');
    const stem = await get('/catalogo?q=regolamenti');
    expect(resultSlugs(stem.text)).to.include('regolamento-per-luso-degli-strumenti-informatici-e-telematici');
    // A word in the name ranks before the same word only in a long description.
    const ranked = await get('/catalogo?q=segnalazioni');
    expect(resultSlugs(ranked.text)[0]).to.equal('russi-segnala');
  });

  it('combines facets (AND across facets, OR within one) and keeps everything in the query string', async () => {
    const res = await get('/catalogo?tipo=software&integra=spid&integra=io&ordina=nome');
    expect(res.status).to.equal(200);
    const slugs = resultSlugs(res.text);
    expect(slugs).to.include.members(['prenota-uffici', 'russi-segnala', 'albo-pretorio-cit']);
    expect(slugs).not.to.include('tema-siti-comunali');
    expect(slugs).to.deep.equal([...slugs].sort());
    expect(res.text).to.match(/name="integra" value="spid" checked/);
    expect(res.text).to.match(/<option value="nome" selected>/);
    expect(visibleText(res.text)).to.contain('Tipo: Software');
    // Removing a chip keeps the other filters.
    expect(res.text).to.match(/href="\/catalogo\?tipo=software&amp;integra=io&amp;ordina=nome"/);
  });

  it('counts each facet with the other filters applied, so siblings stay visible', async () => {
    const res = await get('/catalogo?tipo=template');
    expect(res.text).to.match(/name="tipo" value="software"[^>]*><label[^>]*>Software <span class="facet-count">\(\d+\)<\/span>/);
    const templates = resultSlugs(res.text);
    expect(templates.length).to.be.greaterThan(0);
    expect(templates).not.to.include('albo-pretorio-cit');
  });

  it('sorts by most adopted using the declarations', async () => {
    const res = await get('/catalogo?ordina=adottati');
    const counts = res.text.split('<li class="catalog-result">').slice(1).map((item) => Number(item.match(/Usato da (\d+) ent/)?.[1] ?? 0));
    const slugs = resultSlugs(res.text);
    expect(counts.length).to.equal(slugs.length);
    expect(counts).to.deep.equal([...counts].sort((a, b) => b - a));
    // Among the demo data the regolamento (7 bodies) comes before the albo (4) and the kit (4).
    expect(slugs.indexOf('regolamento-per-luso-degli-strumenti-informatici-e-telematici')).to.be.lessThan(slugs.indexOf('albo-pretorio-cit'));
  });

  it('filters "in use by at least one body"', async () => {
    const res = await get('/catalogo?in_uso=1');
    const slugs = resultSlugs(res.text);
    expect(slugs).to.include('albo-pretorio-cit');
    expect(slugs).not.to.include('conservazione-digitale-a-norma-in-forma-associata');
  });

  it('shows at most 20 per page with links that keep the filters', async () => {
    const staff = await loginAs('staff@cithub.example');
    for (let i = 0; i < 12; i++) await importAndConfirm(staff, uniqueFixture('complete.yml').text.replace('Protocollo Semplice', 'Zibaldone Prova'), 'publish');
    const res = await get('/catalogo?q=zibaldone&ordina=nome');
    expect(resultSlugs(res.text).length).to.equal(12);
    const page1 = await get('/catalogo?ordina=nome');
    expect(resultSlugs(page1.text).length).to.equal(20);
    expect(page1.text).to.contain('href="/catalogo?ordina=nome&amp;page=2"');
  });

  it('answers a search with no result with help: suggestions and ways out', async () => {
    const res = await get('/catalogo?q=albo%20pretorrio%20xyzzy&tipo=software');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.contain('Nessuna soluzione corrisponde alla ricerca.');
    expect(text).to.contain('in tutto il catalogo, senza filtri');
    expect(text).to.contain('Prova parole più generali');
    const typo = await get('/catalogo?q=Albo%20Pretorio%20CTI');
    expect(visibleText(typo.text)).to.contain('Forse cercavi: Albo Pretorio CIT');
  });

  it('suggests other names only for words that find nothing, not when the filters leave no result', async () => {
    const found = await get('/catalogo?q=albo%20pretorio');
    expect(resultSlugs(found.text).length).to.be.greaterThan(0);
    // The same words with a filter that no matching asset has: the ways out, no «Forse cercavi».
    const filtered = await get('/catalogo?q=albo%20pretorio&stato=obsolete');
    const text = visibleText(filtered.text);
    expect(resultSlugs(filtered.text)).to.deep.equal([]);
    expect(text).to.contain('Nessuna soluzione corrisponde alla ricerca.');
    expect(text).to.not.contain('Forse cercavi');
    const misspelt = await get('/catalogo?q=albo%20pretorrio&stato=obsolete');
    expect(visibleText(misspelt.text)).to.contain('Forse cercavi');
  });

  it('a query made only of common words is explained instead of returning nothing', async () => {
    const res = await get('/catalogo?q=il%20della%20per');
    expect(res.status).to.equal(200);
    expect(visibleText(res.text)).to.contain('contiene solo parole troppo comuni');
    expect(resultSlugs(res.text).length).to.be.greaterThan(0);
  });

  it('shows the most frequent values of a facet and a link that lists them all, keeping the filters', async () => {
    const res = await get('/catalogo?tipo=template&tipo=software&tipo=toolkit&tipo=service');
    const link = res.text.match(/href="(\/catalogo\?[^"]*tutti=categoria[^"]*)">Mostra tutti \(altri (\d+)\)/);
    expect(link, 'show-all link').to.not.equal(null);
    const href = link![1].replace(/&amp;/g, '&');
    expect(href).to.contain('tipo=template');
    const shownBefore = (res.text.match(/name="categoria"/g) ?? []).length;
    const all = await get(href.split('#')[0]);
    const shownAfter = (all.text.match(/name="categoria"/g) ?? []).length;
    expect(shownAfter).to.equal(shownBefore + Number(link![2]));
    expect(all.text).to.contain('Mostra meno');
  });

  it('a visitor sees a change right after it is made, even with the page cache', async () => {
    const before = await get('/catalogo?ordina=recenti');
    expect(before.status).to.equal(200);
    const again = await get('/catalogo?ordina=recenti');
    expect(again.headers.etag).to.equal(before.headers.etag);
    const { app } = await testContext();
    const notModified = await request(app).get('/catalogo?ordina=recenti').set('If-None-Match', before.headers.etag as string);
    expect(notModified.status).to.equal(304);
    const staff = await loginAs('staff@cithub.example');
    const asset = await importAndConfirm(staff, uniqueFixture('complete.yml').text.replace('Protocollo Semplice', 'Novità Fresca'), 'publish');
    const after = await get('/catalogo?ordina=recenti');
    expect(resultSlugs(after.text)[0]).to.equal(asset.slug);
  });

  describe('bad input', () => {
    it('a facet value that does not exist is ignored with a message', async () => {
      const res = await get('/catalogo?categoria=non-esiste&tipo=astronave');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.contain('Il filtro «Categoria: non-esiste» non esiste ed è stato ignorato.');
      expect(text).to.contain('Il filtro «Tipo: astronave» non esiste ed è stato ignorato.');
      expect(resultSlugs(res.text).length).to.be.greaterThan(0);
    });

    it('an unknown value of an open facet (licence, body) gives an empty result, not an error', async () => {
      const res = await get('/catalogo?licenza=Licenza%20inventata&ente=c_zzzz');
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.contain('Nessuna soluzione corrisponde alla ricerca.');
    });

    it('page=-1 shows the first page', async () => {
      const res = await get('/catalogo?page=-1');
      expect(res.status).to.equal(200);
      expect(resultSlugs(res.text)).to.deep.equal(resultSlugs((await get('/catalogo')).text));
    });

    it('page=99999 is an empty page that says so and links back', async () => {
      const res = await get('/catalogo?page=99999');
      expect(res.status).to.equal(200);
      expect(resultSlugs(res.text)).to.deep.equal([]);
      expect(visibleText(res.text)).to.match(/La pagina 99999 non esiste: i risultati occupano \d+ pagin/);
      expect(res.text).to.contain('Torna alla prima pagina');
    });

    it('a query of 10,000 characters is cut to 200 with a message', async () => {
      const q = 'protocollo '.repeat(910).slice(0, 10_000);
      const res = await get(`/catalogo?q=${encodeURIComponent(q)}`);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.contain('La ricerca era troppo lunga: sono stati usati solo i primi 200 caratteri.');
    });

    it('odd query strings (arrays, operators, quotes) never cause an error', async () => {
      for (const qs of ['q[]=a&q[]=b', 'q=%22albo', 'q=-albo%20%7C%20!!', 'q=%00%01', 'ordina=sconosciuto', 'in_uso=forse', 'ente=%27%3B%20drop', 'q=' + encodeURIComponent('<script>alert(1)</script>')]) {
        const res = await get(`/catalogo?${qs}`);
        expect(res.status, qs).to.equal(200);
        expect(res.text, qs).not.to.contain('<script>alert(1)</script>');
      }
    });
  });

  describe('open data', () => {
    it('/catalogo.csv lists the published catalogue with its columns', async () => {
      const res = await get('/catalogo.csv');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.contain('text/csv');
      expect(res.headers['content-disposition']).to.contain('attachment');
      const rows = parse(res.text, { columns: true, delimiter: ';', bom: true }) as Array<Record<string, string>>;
      const albo = rows.find((r) => r.slug === 'albo-pretorio-cit')!;
      expect(albo.nome).to.equal('Albo Pretorio CIT');
      expect(albo.codice_ipa_cedente).to.equal('p_bs');
      expect(albo.licenza).to.equal('EUPL-1.2');
      expect(albo.piattaforme_nazionali).to.equal('spid;cie');
      expect(Number(albo.enti_che_lo_usano)).to.equal(4);
      expect(albo.publiccode_yml).to.match(/\/catalogo\/albo-pretorio-cit\/publiccode\.yml$/);
      expect(rows.some((r) => r.nome === 'Pagamenti Russi')).to.equal(false);
    });

    it('/catalogo.json is valid JSON and follows the same filters as the list', async () => {
      const res = await get('/catalogo.json?tipo=template');
      expect(res.status).to.equal(200);
      const body = JSON.parse(res.text) as { asset: Array<{ tipo: string; categorie: string[] }> };
      expect(body.asset.length).to.be.greaterThan(0);
      expect(body.asset.every((a) => a.tipo === 'template')).to.equal(true);
      expect(Array.isArray(body.asset[0].categorie)).to.equal(true);
    });

    it('/catalogo.json and /catalogo.csv are compressed when the client accepts it, to the same content', async () => {
      const { app } = await testContext();
      for (const path of ['/catalogo.json', '/catalogo.csv']) {
        const plain = await request(app).get(path).set('Accept-Encoding', 'identity');
        const gz = await request(app).get(path).set('Accept-Encoding', 'gzip');
        expect(plain.headers['content-encoding']).to.equal(undefined);
        expect(gz.headers['content-encoding']).to.equal('gzip');
        // supertest decodes gzip; only the generation time may differ.
        const same = (t: string) => t.replace(/"generato_il":"[^"]*"/, '');
        expect(same(gz.text)).to.equal(same(plain.text));
      }
    });

    it('the footer links to the open data', async () => {
      const res = await get('/');
      expect(res.text).to.contain('href="/catalogo.csv"');
      expect(res.text).to.contain('href="/catalogo.json"');
    });
  });

  it('offers cedents and staff to propose a solution, and nobody else', async () => {
    const cedent = await loginAs('utente@russi.cithub.example');
    expect((await cedent.get('/catalogo')).text).to.contain('href="/catalogo/importa">Proponi una soluzione');
    const other = await loginAs('rtd@potenza.cithub.example');
    expect((await other.get('/catalogo')).text).not.to.contain('/catalogo/importa');
    expect((await get('/catalogo')).text).not.to.contain('/catalogo/importa');
  });

  it('the menu has the catalogue and the home page has its card', async () => {
    const res = await get('/');
    expect(res.text).to.match(/class="nav-link[^"]*" href="\/catalogo"/);
    expect(visibleText(res.text)).to.contain('Catalogo del riuso');
    expect(res.text).to.contain('href="/catalogo"');
  });
});
