import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../helpers/app.js';
import { versionStaticUrls } from '../../src/web/assets.js';

describe('static files and page weight', () => {
  it('pages link the static files by versioned URLs, which are cached for good', async () => {
    const { app } = await testContext();
    const home = await request(app).get('/');
    const css = home.text.match(/href="(\/static\/v-[0-9a-f]+\/bi\/css\/bootstrap-italia\.min\.css)"/)?.[1];
    expect(css, 'the stylesheet of Bootstrap Italia, versioned').to.be.a('string');
    expect(home.text).not.to.match(/["']\/static\/(bi|app)\//);
    // An area's own styles and scripts come from code, not from the template's text.
    const catalogue = await request(app).get('/catalogo');
    expect(catalogue.text).to.match(/href="\/static\/v-[0-9a-f]+\/app\/css\/catalog\.css"/);
    expect(catalogue.text).to.match(/src="\/static\/v-[0-9a-f]+\/app\/js\/catalog\.js"/);
    expect(catalogue.text).not.to.match(/["'(=\s]\/static\/(bi|app)\//);
    const res = await request(app).get(css!).set('Accept-Encoding', 'br, gzip');
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).to.equal('br');
    // The same file without a version still answers, revalidated each time.
    const plain = await request(app).get('/static/bi/css/bootstrap-italia.min.css').set('Accept-Encoding', 'gzip');
    expect(plain.status).to.equal(200);
    expect(plain.headers['content-encoding']).to.equal('gzip');
    expect(plain.headers['cache-control']).to.equal('public, max-age=0');
  });

  it('pages are compressed (brotli, else gzip) and use the lighter Bootstrap Italia script', async () => {
    const { app } = await testContext();
    const br = await request(app).get('/login').set('Accept-Encoding', 'br');
    expect(br.headers['content-encoding']).to.equal('br');
    expect(br.headers.vary).to.match(/Accept-Encoding/i);
    const gz = await request(app).get('/login').set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gz.text).to.match(/\/static\/v-[0-9a-f]+\/bi\/js\/bootstrap-italia\.min\.js/);
    expect(gz.text).not.to.contain('bootstrap-italia.bundle');
  });

  it('the fonts and app files of a versioned stylesheet resolve under the same version', async () => {
    const { app } = await testContext();
    const home = await request(app).get('/');
    const fonts = home.text.match(/href="(\/static\/v-[0-9a-f]+\/app\/css\/fonts\.css)"/)![1];
    const css = await request(app).get(fonts);
    const font = css.text.match(/url\('([^']+\.woff2)'\)/)![1];
    const fontUrl = new URL(font, `http://x${fonts}`).pathname;
    expect(fontUrl).to.match(/^\/static\/v-[0-9a-f]+\/bi\/fonts\//);
    const res = await request(app).get(fontUrl);
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.contain('immutable');
  });

  it('rewrites only static URLs in attributes and CSS, nothing else', () => {
    expect(versionStaticUrls('<link href="/static/app/css/a.css"><img src=\'/static/bi/svg/x.svg\'> text /static/app/ stays', 'abc123')).to.equal(
      '<link href="/static/v-abc123/app/css/a.css"><img src=\'/static/v-abc123/bi/svg/x.svg\'> text /static/v-abc123/app/ stays',
    );
  });
});
