// The header and footer are kept per language, sign-in and menu (src/web/fragments.ts): what belongs
// to one request (the viewer's name, their CSRF token, the page's own path) must never reach another.
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../helpers/app.js';
import { createBody, createUser } from '../helpers/factories.js';
import { csrfFrom, loginAs } from '../helpers/http.js';

const headerOf = (html: string) => html.slice(html.indexOf('<header'), html.indexOf('</header>'));
const currentEntries = (html: string) => [...headerOf(html).matchAll(/href="([^"]+)" aria-current="page"/g)].map((m) => m[1]);

describe('page header and footer kept per language and role', () => {
  it("shows each signed-in person their own name and a CSRF token that signs out them alone", async () => {
    const body = await createBody();
    const anna = await createUser('member', body.id, { name: 'Anna <Rossi> & C.' });
    const bruno = await createUser('member', body.id, { name: 'Bruno Bianchi' });
    const asAnna = await loginAs(anna.email);
    const asBruno = await loginAs(bruno.email);

    const pages = [await asAnna.get('/catalogo'), await asBruno.get('/catalogo'), await asAnna.get('/catalogo')];
    expect(pages.map((p) => p.status)).to.deep.equal([200, 200, 200]);
    expect(headerOf(pages[0].text)).to.contain('Anna &lt;Rossi&gt; &amp; C.').and.not.contain('Bruno');
    expect(headerOf(pages[1].text)).to.contain('Bruno Bianchi').and.not.contain('Anna');
    expect(headerOf(pages[2].text)).to.contain('Anna &lt;Rossi&gt; &amp; C.').and.not.contain('Bruno');

    // Bruno's page carries Bruno's token: with it Bruno signs out, and Anna's token is not his.
    const brunoToken = csrfFrom(pages[1].text);
    expect(csrfFrom(pages[2].text)).to.not.equal(brunoToken);
    expect((await asAnna.post('/logout').type('form').send({ _csrf: brunoToken })).status).to.equal(403);
    expect((await asBruno.post('/logout').type('form').send({ _csrf: brunoToken })).status).to.equal(302);
    expect((await asBruno.get('/profilo')).status).to.equal(302);
    expect((await asAnna.get('/profilo')).status).to.equal(200);
  });

  it("links the language switch back to the page itself and marks only the page's own menu entry", async () => {
    const { app } = await testContext();
    const catalogue = await request(app).get('/catalogo');
    const bodies = await request(app).get('/enti');
    const home = await request(app).get('/');
    expect(headerOf(catalogue.text)).to.contain('back=%2Fcatalogo"');
    expect(headerOf(bodies.text)).to.contain('back=%2Fenti"');
    expect(headerOf(home.text)).to.contain('back=%2F"');
    expect(currentEntries(catalogue.text)).to.deep.equal(['/catalogo']);
    expect(currentEntries(bodies.text)).to.deep.equal(['/enti']);
    expect(currentEntries(home.text)).to.deep.equal([]);
    // An anonymous visitor gets the sign-in link and no sign-out form.
    expect(headerOf(catalogue.text)).to.contain('href="/login"').and.not.contain('action="/logout"');
  });

  it('speaks the language of each request, one after the other', async () => {
    const { app } = await testContext();
    const italian = await request(app).get('/enti');
    const english = await request(app).get('/enti').set('Cookie', 'lang=en');
    const italianAgain = await request(app).get('/enti');
    for (const [res, lang] of [[italian, 'it'], [english, 'en'], [italianAgain, 'it']] as const) {
      expect(res.text).to.contain(`<html lang="${lang}">`);
      // The header's switch offers the other language, back to the same page.
      expect(headerOf(res.text)).to.contain(`/lingua?lang=${lang === 'it' ? 'en' : 'it'}&amp;back=%2Fenti`);
    }
    expect(english.text.slice(english.text.indexOf('<footer'))).to.contain('Accessibility statement');
    expect(italian.text.slice(italian.text.indexOf('<footer'))).to.contain('Dichiarazione di accessibilità');
  });
});
