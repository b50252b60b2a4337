// A kept fragment leaves holes for what differs per request: a hole its template asks for but the
// code does not fill would leave a blank in every page, so it fails the first render instead.
import { expect } from 'chai';
import { initI18n, translator } from '../../../src/platform/i18n.js';
import { Fragment } from '../../../src/web/fragments.js';

describe('kept page fragments', () => {
  const centre = { name: 'CIT', email: 'cit@example.org', phone: '0', controller: 'Comune', dpoEmail: 'dpo@example.org' };
  const locals = async (signedIn: boolean) => {
    await initI18n();
    return { lang: 'it', t: translator('it'), centre, nav: [], current: [], signedIn };
  };

  it("fills the header's holes with each request's values, escaped", async () => {
    const header = new Fragment('partials/header', false, ['back', 'viewerName', 'csrf']);
    const html = header.render('it|1', await locals(true), { back: '%2Fcatalogo', viewerName: 'Anna <Rossi>', csrf: 'tok"en' });
    expect(html).to.contain('back=%2Fcatalogo"').and.contain('Anna &lt;Rossi&gt;').and.contain('value="tok&#34;en"');
    const again = header.render('it|1', await locals(true), { back: '%2Fenti', viewerName: 'Bruno', csrf: 'other' });
    expect(again).to.contain('back=%2Fenti"').and.contain('Bruno').and.not.contain('Anna');
  });

  it('refuses a hole the template asks for and the code does not name', async () => {
    const header = new Fragment('partials/header', false, ['back', 'csrf']);
    const signedIn = await locals(true);
    expect(() => header.render('it|1', signedIn, { back: '', csrf: '' })).to.throw(
      /partials\/header: hole\('viewerName'\) is not one of back, csrf/,
    );
  });
});
