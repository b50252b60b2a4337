// Documents of a sitting, uploaded through the page's own form (the token in the action URL, as for
// every multipart form): attached to the sitting or to an agenda item, downloaded by members, nothing
// for another body; after the sitting, the bodies that missed it get the materials by mail.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs } from '../../helpers/http.js';
import { binary, makeGroup, makeMeeting, post, soon } from './helpers.js';

const pdf = (title: string) => Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${title}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

describe('groups: documents of a sitting', function () {
  this.timeout(240_000);
  it('the secretary attaches documents to the sitting and to an item; members download them, another body finds nothing; the absent bodies get them listed', async () => {
    const { platform, inbox } = await testContext();
    const g = await makeGroup('reserved');
    const s = await loginAs(g.secretaryUser.email);
    const id = await makeMeeting(s, g.groupId, 'Seduta con documenti', soon(30));
    const [{ id: itemId }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_agenda_items WHERE meeting_id = :m', { replacements: { m: id }, type: QueryTypes.SELECT });
    // The upload form carries its token as its first field (never in the URL).
    const formToken = async () => {
      const html = (await s.get(`/tavoli/sedute/${id}`)).text;
      const m = /action="\/tavoli\/sedute\/\d+\/documenti" enctype="multipart\/form-data"[^>]*><input type="hidden" name="_csrf" value="([^"]+)">/.exec(html);
      expect(m, 'the upload form carries its token as its first field').to.not.equal(null);
      return m![1];
    };
    // No file: the message next to the field, nothing stored.
    const none = await s.post(`/tavoli/sedute/${id}/documenti`).field('_csrf', await formToken()).field('itemId', '');
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Scegli almeno un documento da caricare.');
    expect((await s.post(`/tavoli/sedute/${id}/documenti`).field('_csrf', await formToken()).field('itemId', '').attach('files', pdf('Ordine del giorno'), 'odg-firmato.pdf')).status).to.equal(302);
    expect((await s.post(`/tavoli/sedute/${id}/documenti`).field('_csrf', await formToken()).field('itemId', String(itemId)).attach('files', pdf('Schema di accordo'), 'schema-accordo-pdnd.pdf')).status).to.equal(302);
    const docs = await platform.sequelize.query<{ id: number; item_id: number | null }>('SELECT id, item_id FROM groups_documents WHERE meeting_id = :m ORDER BY id', { replacements: { m: id }, type: QueryTypes.SELECT });
    expect(docs.map((d) => d.item_id)).to.deep.equal([null, itemId]);
    const page = await (await loginAs(g.rtdF.email)).get(`/tavoli/sedute/${id}`);
    expect(page.text).to.contain('schema-accordo-pdnd.pdf');
    const file = await (await loginAs(g.rtdE.email)).get(`/tavoli/sedute/${id}/documenti/${docs[1].id}`).buffer(true).parse(binary);
    expect(file.status).to.equal(200);
    expect(String(file.body)).to.contain('Schema di accordo');
    const outsider = await loginAs((await createUser('rtd', (await createBody()).id)).email);
    for (const d of docs) expect((await outsider.get(`/tavoli/sedute/${id}/documenti/${d.id}`)).status).to.equal(404);
    // A member who does not run the group uploads nothing.
    const rtdF = await loginAs(g.rtdF.email);
    const token = /name="_csrf" value="([^"]+)"/.exec((await rtdF.get(`/tavoli/sedute/${id}`)).text)![1];
    expect((await rtdF.post(`/tavoli/sedute/${id}/documenti`).field('_csrf', token).attach('files', pdf('Intruso'), 'intruso.pdf')).status).to.equal(403);

    // The sitting runs with E present only; F missed it and gets the materials.
    for (const step of ['convoca', 'avvia']) await post(s, `/tavoli/sedute/${id}/${step}`, {}, `/tavoli/sedute/${id}`);
    const [{ id: pid }] = await platform.sequelize.query<{ id: number }>('SELECT id FROM groups_participants WHERE meeting_id = :m AND user_id = :u', { replacements: { m: id, u: g.rtdE.id }, type: QueryTypes.SELECT });
    await post(s, `/tavoli/sedute/${id}/presenze`, { [`att_${pid}`]: 'present' }, `/tavoli/sedute/${id}`);
    await post(s, `/tavoli/sedute/${id}/chiudi`, {}, `/tavoli/sedute/${id}`);
    await post(s, `/tavoli/sedute/${id}/promemoria-assenti`, {}, `/tavoli/sedute/${id}`);
    const missed = await inbox.waitFor(g.rtdF.email, /Materiali della seduta persa: .*Seduta con documenti/);
    expect(missed.text).to.contain('odg-firmato.pdf');
    expect(missed.text).to.contain('schema-accordo-pdnd.pdf');
    expect(missed.text).to.contain(`/tavoli/sedute/${id}`);
  });
});
