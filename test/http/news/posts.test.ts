// News: the public list, the post page, the feeds read by a feed parser, the home page's latest
// three, staff writing posts (bad input first), images with alt text, scheduled publication.
import { expect } from 'chai';
import Parser from 'rss-parser';
import { DEMO_POSTS } from '../../../src/modules/news/seed.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, loginAs, postForm } from '../../helpers/http.js';
import { PDF, PNG, makePost, postFields, postRow, uniqueWord } from './helpers.js';

const parser = new Parser();

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('news: posts', () => {
  it('lists the published posts publicly, with tags, pagination and the feeds in the head', async () => {
    const agent = await anonymousAgent();
    const res = await agent.get('/notizie');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(DEMO_POSTS[0].title);
    expect(res.text).to.match(/<link rel="alternate" type="application\/atom\+xml" title="[^"]+" href="\/notizie\/feed.atom">/);
    expect(res.text).to.match(/<link rel="alternate" type="application\/rss\+xml" title="[^"]+" href="\/notizie\/feed.rss">/);
    const tagged = await agent.get('/notizie?tag=pnrr');
    expect(tagged.text).to.contain(DEMO_POSTS[2].title);
    expect(tagged.text).to.not.contain(DEMO_POSTS[1].title);
    // Bad filters and pages never give a 500.
    expect((await agent.get('/notizie?tag=%27%22&page=-1')).status).to.equal(200);
    expect((await agent.get('/notizie?page=99999')).status).to.equal(200);
    expect((await agent.get('/notizie/abc')).status).to.equal(404);
    expect((await agent.get('/notizie/999999')).status).to.equal(404);
  });

  it('paginates: the tenth post of a tag is on its second page', async () => {
    const tag = uniqueWord('tag').toLowerCase();
    const titles: string[] = [];
    for (let i = 0; i < 10; i++) {
      const title = `Paginata ${uniqueWord()}`;
      titles.push(title);
      await makePost({ title, tags: tag });
    }
    const agent = await anonymousAgent();
    const first = await agent.get(`/notizie?tag=${tag}`);
    const second = await agent.get(`/notizie?tag=${tag}&page=2`);
    expect(first.text).to.contain(titles[9]);
    expect(first.text).to.not.contain(titles[0]);
    expect(second.text).to.contain(titles[0]);
    expect(first.text).to.contain(`href="/notizie?tag=${tag}&amp;page=2"`);
  });

  it('staff publish a post: it shows on the home page, in the list and in both feeds, which a feed parser reads', async () => {
    const { baseUrl } = await testContext();
    const staff = await loginAs('staff@cithub.example');
    const title = `Laboratorio ${uniqueWord()}`;
    const res = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, body: '## Programma\n\nVieni al [laboratorio](/gare/1).', tags: 'Laboratorio, PNRR' }));
    expect(res.status).to.equal(302);
    const [row] = await postRow('title = :title', { title });
    expect(row.state).to.equal('published');
    expect(res.headers.location).to.equal(`/notizie/${row.id}`);

    const visitor = await anonymousAgent();
    const page = await visitor.get(`/notizie/${row.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<h2>Programma</h2>');
    expect(page.text).to.contain('<a href="/gare/1">laboratorio</a>');
    const home = await visitor.get('/');
    expect(home.text).to.contain('Ultime notizie');
    expect(home.text).to.contain(title);

    const atom = await parser.parseString((await visitor.get('/notizie/feed.atom')).text);
    const item = atom.items.find((i) => i.title === title);
    expect(item, 'the post in the Atom feed').to.exist;
    expect(item!.link).to.equal(`${baseUrl}/notizie/${row.id}`);
    const rssRes = await visitor.get('/notizie/feed.rss');
    expect(rssRes.headers['content-type']).to.contain('application/rss+xml');
    const rss = await parser.parseString(rssRes.text);
    const rssItem = rss.items.find((i) => i.title === title);
    expect(rssItem, 'the post in the RSS feed').to.exist;
    expect(rssItem!.categories).to.include('pnrr');
    expect((rssItem as unknown as Record<string, string>)['content:encoded']).to.contain(`href="${baseUrl}/gare/1"`);
  });

  it('refuses Markdown with a script, a javascript: link, an onerror attribute or an image of another site; nothing saved, input kept', async () => {
    const staff = await loginAs('staff@cithub.example');
    const cases: Array<[string, string]> = [
      ['Ciao <script>alert(1)</script>', 'uno script o un attributo di evento'],
      ['[clic](javascript:alert(1))', 'collegamento «javascript:»'],
      ['<img src="/x.png" onerror="alert(1)">', 'uno script o un attributo di evento'],
      ['![logo](https://evil.example/logo.png)', 'un&#39;immagine di un altro sito'],
    ];
    for (const [body, message] of cases) {
      const title = `Rifiutata ${uniqueWord()}`;
      const res = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, body }));
      expect(res.status, body).to.equal(422);
      expect(res.text, body).to.contain(message);
      expect(res.text).to.contain(`value="${title}"`);
      expect(await postRow('title = :title', { title })).to.have.length(0);
    }
  });

  it('renders what it keeps sanitised: no inline style, class or handler reaches the page', async () => {
    const { id } = await makePost({ body: '<p style="color:red" class="x" title="t">stile</p>\n\n<iframe src="/"></iframe><form><input></form>\n\n**ok**' });
    const [row] = await postRow('id = :id', { id });
    expect(row.body_html).to.not.match(/style=|class=|<iframe|<form|<input/);
    expect(row.body_html).to.contain('stile');
    const page = await (await anonymousAgent()).get(`/notizie/${id}`);
    expect(page.text).to.contain('<strong>ok</strong>');
  });

  it('refuses a scheduled publication in the past, a time without a date and a malformed link, next to the fields', async () => {
    const staff = await loginAs('staff@cithub.example');
    const title = `Passata ${uniqueWord()}`;
    const past = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, publishOn: '2020-01-10', publishTime: '10:00' }));
    expect(past.status).to.equal(422);
    expect(past.text).to.contain('La data di pubblicazione è già passata');
    expect(past.text).to.contain('id="f-publishOn-error"');
    const noDate = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, publishTime: '10:00' }));
    expect(noDate.text).to.contain('Indica anche la data di pubblicazione.');
    const link = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, linkKind: 'tender', linkPath: 'https://evil.example/gare/1' }));
    expect(link.status).to.equal(422);
    expect(link.text).to.contain("L&#39;indirizzo di una gara è del tipo /gare/12.");
    const noTitle = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title: '', summary: '' }));
    expect(noTitle.status).to.equal(422);
    expect(noTitle.text).to.contain('Compila il campo «Titolo».');
    expect(await postRow('title = :title', { title })).to.have.length(0);
  });

  it('a scheduled post is hidden until the publication job publishes it at its moment', async () => {
    const staff = await loginAs('staff@cithub.example');
    const title = `Programmata ${uniqueWord()}`;
    // Two minutes ahead, in Rome: the job is due then; here the test moves the moment close and waits for the job.
    const { DateTime } = await import('luxon');
    const at = DateTime.now().setZone('Europe/Rome').plus({ minutes: 2 });
    const res = await postForm(staff, '/notizie/nuova', '/notizie', postFields({ title, publishOn: at.toISODate()!, publishTime: at.toFormat('HH:mm') }));
    expect(res.status).to.equal(302);
    const [row] = await postRow('title = :title', { title });
    expect(row.state).to.equal('scheduled');
    const visitor = await anonymousAgent();
    expect((await visitor.get(`/notizie/${row.id}`)).status).to.equal(404);
    expect((await visitor.get('/notizie')).text).to.not.contain(title);
    expect((await staff.get(`/notizie/${row.id}`)).text).to.contain('sarà pubblicata il');
    // The moment comes: the job that was queued for it (due now) publishes the post.
    const { platform } = await testContext();
    await platform.sequelize.query(`UPDATE news_posts SET publish_at = now() WHERE id = :id`, { replacements: { id: row.id } });
    await platform.sequelize.query(`UPDATE pgboss.job SET start_after = now() WHERE name = 'news.publish' AND (data->>'postId')::int = :id AND state = 'created'`, { replacements: { id: row.id } });
    await waitFor('the post published', async () => ((await postRow('id = :id', { id: row.id }))[0].state === 'published' ? true : undefined));
    expect((await visitor.get(`/notizie/${row.id}`)).status).to.equal(200);
  });

  it('an image needs its alt text and must be an image; a published one is served, a draft one is not', async () => {
    const staff = await loginAs('staff@cithub.example');
    const csrf = await staff.csrf('/notizie/nuova');
    const title = `Con immagine ${uniqueWord()}`;
    const send = (fields: Record<string, string>, file: Buffer, name: string) => {
      let req = staff.post(`/notizie`).field('_csrf', csrf);
      for (const [k, v] of Object.entries(postFields({ title, ...fields }))) req = req.field(k, v);
      return req.attach('image', file, name);
    };
    const noAlt = await send({}, PNG, 'foto.png');
    expect(noAlt.status).to.equal(422);
    expect(noAlt.text).to.contain('Scrivi il testo alternativo');
    const notImage = await send({ imageAlt: 'Una foto' }, PDF, 'foto.png');
    expect(notImage.status).to.equal(422);
    expect(notImage.text).to.contain("L&#39;immagine deve essere un file PNG, JPEG, GIF o WebP.");
    expect(await postRow('title = :title', { title })).to.have.length(0);
    const draft = await send({ imageAlt: 'La sala del laboratorio', intent: 'draft' }, PNG, 'sala.png');
    expect(draft.status).to.equal(302);
    const [row] = await postRow('title = :title', { title });
    const visitor = await anonymousAgent();
    expect((await visitor.get(`/notizie/immagini/${row.image_file_id}`)).status).to.equal(404);
    expect((await visitor.get(`/notizie/${row.id}`)).status).to.equal(404);
    const edit = await staff.get(`/notizie/${row.id}/modifica`);
    expect(edit.text).to.contain('alt="La sala del laboratorio"');
    const publish = await postForm(staff, `/notizie/${row.id}/modifica`, `/notizie/${row.id}`, postFields({ title, imageAlt: 'La sala del laboratorio' }));
    expect(publish.status).to.equal(302);
    const img = await visitor.get(`/notizie/immagini/${row.image_file_id}`);
    expect(img.status).to.equal(200);
    expect(img.headers['content-type']).to.equal('image/png');
    expect(img.headers['x-content-type-options']).to.equal('nosniff');
    expect((await visitor.get(`/notizie/${row.id}`)).text).to.contain('alt="La sala del laboratorio"');
  });

  it('drafts and staff pages are staff only: a member of a comune gets a 404 or a refusal, never the post', async () => {
    const { id } = await makePost({ intent: 'draft' });
    const body = await createBody();
    const member = await createUser('member', body.id);
    const agent = await loginAs(member.email);
    expect((await agent.get(`/notizie/${id}`)).status).to.equal(404);
    expect((await agent.get(`/notizie/${id}/modifica`)).status).to.equal(403);
    expect((await agent.get('/notizie/gestione')).status).to.equal(403);
    expect((await agent.get('/notizie/nuova')).status).to.equal(403);
    const token = await agent.csrf('/notizie');
    expect((await agent.post(`/notizie/${id}`).type('form').send({ _csrf: token, ...postFields() })).status).to.equal(403);
    expect((await agent.post(`/notizie/${id}/ritira`).type('form').send({ _csrf: token })).status).to.equal(403);
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get(`/notizie/${id}`)).status).to.equal(200);
    expect((await staff.get('/notizie/gestione?state=draft')).text).to.contain(`/notizie/${id}`);
  });

  it('staff withdraw a published post: it leaves the public pages', async () => {
    const { id } = await makePost();
    const visitor = await anonymousAgent();
    expect((await visitor.get(`/notizie/${id}`)).status).to.equal(200);
    const staff = await loginAs('staff@cithub.example');
    const res = await postForm(staff, `/notizie/${id}`, `/notizie/${id}/ritira`, {});
    expect(res.status).to.equal(302);
    expect((await visitor.get(`/notizie/${id}`)).status).to.equal(404);
  });
});
