import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { DocumentVersion, Participant, TenderDocument } from '../../../src/modules/tenders/models.js';
import { addVersion } from '../../../src/modules/tenders/documents.js';
import { testContext } from '../../helpers/app.js';
import { csrfFrom, loginAs } from '../../helpers/http.js';
import { demoP7m, demoPdf, dossierWithTwoBodies, makeDossier, staffActor, uploadDoc } from './helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Agent = Awaited<ReturnType<typeof loginAs>>;

async function upload(agent: Agent, dossierId: number, fields: Record<string, string>, file: { buffer: Buffer; name: string } | null) {
  const token = csrfFrom((await agent.get(`/gare/${dossierId}/documenti/nuovo`)).text);
  let req = agent.post(`/gare/${dossierId}/documenti`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.buffer, file.name);
  return req;
}

const binary = (res: request.Response) => res.body as Buffer;
const asBuffer = (r: request.Test) => r.buffer(true).parse((res, cb) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
});

describe('tenders: documents', () => {
  it('staff upload a typed document and new versions; each version keeps uploader, date and SHA-256, downloads are attachments', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const v1 = demoPdf('Capitolato tecnico', ['versione 1']);
    const res = await upload(staff, d.id, { type: 'capitolato', title: 'Capitolato tecnico', visibility: 'participants', lotId: '' }, { buffer: v1, name: 'capitolato.pdf' });
    expect(res.status).to.equal(302);
    const doc = (await TenderDocument.findOne({ where: { dossierId: d.id } }))!;
    const page = await staff.get(`/gare/${d.id}/documenti/${doc.id}`);
    const token = csrfFrom(page.text);
    const v2 = demoPdf('Capitolato tecnico', ['versione 2']);
    const second = await staff.post(`/gare/${d.id}/documenti/${doc.id}/versioni`).field('_csrf', token).field('visibility', 'public').field('note', 'Dopo i chiarimenti').attach('file', v2, 'capitolato-v2.pdf');
    expect(second.status).to.equal(302);
    const versions = await DocumentVersion.findAll({ where: { documentId: doc.id }, order: [['version', 'ASC']] });
    expect(versions.map((v) => [v.version, v.visibility, v.sha256])).to.deep.equal([[1, 'participants', sha(v1)], [2, 'public', sha(v2)]]);
    const shown = await staff.get(`/gare/${d.id}/documenti/${doc.id}`);
    expect(shown.text).to.contain(sha(v1));
    expect(shown.text).to.contain(sha(v2));
    expect(shown.text).to.contain('Marco Quarta');
    expect(shown.text).to.contain('Dopo i chiarimenti');
    const download = await asBuffer(staff.get(`/gare/${d.id}/documenti/${doc.id}/versioni/${versions[0].id}`));
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.match(/^attachment; filename="capitolato.pdf"/);
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
    expect(download.headers['content-type']).to.contain('application/pdf');
    expect(sha(binary(download))).to.equal(sha(v1));
  });

  it('accepts a signed .p7m document', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const p7m = demoP7m(demoPdf('Contratto firmato'));
    const res = await upload(staff, d.id, { type: 'contratto', title: 'Contratto firmato digitalmente', visibility: 'staff' }, { buffer: p7m, name: 'contratto.pdf.p7m' });
    expect(res.status).to.equal(302);
    const v = (await DocumentVersion.findOne({ include: [], where: { sha256: sha(p7m) } }))!;
    expect(v.mime).to.equal('application/pkcs7-mime');
  });

  it('accepts a signed .p7m saved Base64-encoded, as many signing tools do, and still refuses text named .p7m', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const encoded = Buffer.from(`${demoP7m(demoPdf('Determina firmata')).toString('base64').replace(/.{64}/g, '$&\r\n')}\r\n`);
    const res = await upload(staff, d.id, { type: 'determina_a_contrarre', title: 'Determina firmata (Base64)', visibility: 'staff' }, { buffer: encoded, name: 'determina.pdf.p7m' });
    expect(res.status).to.equal(302);
    expect((await DocumentVersion.findOne({ where: { sha256: sha(encoded) } }))!.mime).to.equal('application/pkcs7-mime');
    const fake = await upload(staff, d.id, { type: 'determina_a_contrarre', title: 'Finta', visibility: 'staff' }, { buffer: Buffer.from(Buffer.from('just some words, not a signature at all, no').toString('base64')), name: 'finta.p7m' });
    expect(fake.status).to.equal(422);
  });

  it('rejects a 0-byte document with a clear message and saves nothing', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const res = await upload(staff, d.id, { type: 'verbale', title: 'Verbale vuoto', visibility: 'staff' }, { buffer: Buffer.alloc(0), name: 'verbale.pdf' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il file «verbale.pdf» è vuoto.');
    expect(res.text).to.contain('value="Verbale vuoto"');
    expect(await TenderDocument.count({ where: { dossierId: d.id } })).to.equal(0);
  });

  it('rejects a disguised document (an executable named .pdf) and saves nothing', async () => {
    const d = await makeDossier();
    const staff = await loginAs('staff@cithub.example');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(200, 1)]);
    const res = await upload(staff, d.id, { type: 'bando_lettera_invito', title: 'Bando', visibility: 'public' }, { buffer: exe, name: 'bando.pdf' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il file «bando.pdf» non è di un tipo ammesso');
    const html = await upload(staff, d.id, { type: 'bando_lettera_invito', title: 'Bando', visibility: 'public' }, { buffer: Buffer.from('<html><script>alert(1)</script></html>'), name: 'bando.pdf' });
    expect(html.status).to.equal(422);
    const none = await upload(staff, d.id, { type: 'bando_lettera_invito', title: 'Bando', visibility: 'public' }, null);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Scegli il file da caricare.');
    expect(await TenderDocument.count({ where: { dossierId: d.id } })).to.equal(0);
  });

  it('a participant cannot download a staff-only document by guessing its URL', async () => {
    const { dossier, agentA } = await dossierWithTwoBodies({ isPublic: 'on' });
    const secret = await uploadDoc(dossier.id, 'verbale', 'Verbale riservato della commissione', 'staff');
    const shared = await uploadDoc(dossier.id, 'chiarimenti', 'Chiarimenti per gli enti', 'participants');
    const v = (await DocumentVersion.findOne({ where: { documentId: secret.id } }))!;
    const page = await agentA.get(`/gare/${dossier.id}`);
    expect(page.text).to.contain('Chiarimenti per gli enti');
    expect(page.text).to.not.contain('Verbale riservato');
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${secret.id}/versioni/${v.id}`)).status).to.equal(404);
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${secret.id}/scarica`)).status).to.equal(404);
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${secret.id}`)).status).to.equal(404);
    // The same version id under another dossier or document is not found either.
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${shared.id}/versioni/${v.id}`)).status).to.equal(404);
    // Visitors see neither staff nor participant documents of a public dossier.
    const { app } = await testContext();
    const sharedV = (await DocumentVersion.findOne({ where: { documentId: shared.id } }))!;
    expect((await request(app).get(`/gare/${dossier.id}/documenti/${shared.id}/versioni/${sharedV.id}`)).status).to.equal(404);
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${shared.id}/versioni/${sharedV.id}`)).status).to.equal(200);
    const { platform } = await testContext();
    const [refusals] = await platform.sequelize.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'permission.denied' AND details->>'path' LIKE :p`, { replacements: { p: `/gare/${dossier.id}/documenti/${secret.id}/%` } });
    expect((refusals as Array<{ n: number }>)[0].n).to.be.greaterThan(0);
  });

  it('older versions stay downloadable by those who may see them, and only by them', async () => {
    const { platform } = await testContext();
    const { dossier, agentA } = await dossierWithTwoBodies({ isPublic: 'on' });
    const doc = await uploadDoc(dossier.id, 'capitolato', 'Capitolato tecnico', 'staff', demoPdf('Bozza'));
    const v2buf = demoPdf('Definitivo');
    await addVersion(platform, await staffActor(), dossier.id, doc.id, { visibility: 'participants' }, { buffer: v2buf, originalName: 'cap-v2.pdf' });
    const v3buf = demoPdf('Rettifica');
    await addVersion(platform, await staffActor(), dossier.id, doc.id, { visibility: 'participants' }, { buffer: v3buf, originalName: 'cap-v3.pdf' });
    const [draft, v2, v3] = await DocumentVersion.findAll({ where: { documentId: doc.id }, order: [['version', 'ASC']] });
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${doc.id}/versioni/${draft.id}`)).status).to.equal(404);
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${doc.id}/versioni/${v2.id}`)).status).to.equal(200);
    const latest = await asBuffer(agentA.get(`/gare/${dossier.id}/documenti/${doc.id}/scarica`));
    expect(sha(binary(latest))).to.equal(sha(v3buf));
    const page = await agentA.get(`/gare/${dossier.id}/documenti/${doc.id}`);
    expect(page.text).to.contain(`/versioni/${v2.id}`);
    expect(page.text).to.not.contain(`/versioni/${draft.id}"`);
    expect(page.text).to.not.contain(draft.sha256);
    expect(v3.version).to.equal(3);
  });

  it('a withdrawn body loses the participant documents', async () => {
    const { dossier, agentA, bodyA } = await dossierWithTwoBodies({ isPublic: 'on' });
    const shared = await uploadDoc(dossier.id, 'chiarimenti', 'Chiarimenti', 'participants');
    const v = (await DocumentVersion.findOne({ where: { documentId: shared.id } }))!;
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${shared.id}/versioni/${v.id}`)).status).to.equal(200);
    await Participant.update({ status: 'withdrawn' }, { where: { dossierId: dossier.id, entityId: bodyA.id } });
    expect((await agentA.get(`/gare/${dossier.id}/documenti/${shared.id}/versioni/${v.id}`)).status).to.equal(404);
  });

  it('each body uploads and downloads only its own signed adhesion', async () => {
    const { dossier, agentA, agentB, bodyA, bodyB } = await dossierWithTwoBodies();
    const pA = (await Participant.findOne({ where: { dossierId: dossier.id, entityId: bodyA.id } }))!;
    const pB = (await Participant.findOne({ where: { dossierId: dossier.id, entityId: bodyB.id } }))!;
    await pA.update({ status: 'interested' });
    const token = csrfFrom((await agentA.get(`/gare/${dossier.id}`)).text);
    const p7m = demoP7m(demoPdf('Adesione'));
    const res = await agentA.post(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`).field('_csrf', token).attach('file', p7m, 'adesione.pdf.p7m');
    expect(res.status).to.equal(302);
    await pA.reload();
    expect(pA.status).to.equal('joined');
    expect(pA.adhesionFileId).to.be.a('string');
    const own = await asBuffer(agentA.get(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`));
    expect(own.status).to.equal(200);
    expect(own.headers['content-disposition']).to.match(/^attachment;/);
    expect(sha(binary(own))).to.equal(sha(p7m));
    expect((await agentB.get(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`)).status).to.equal(403);
    const tokenB = csrfFrom((await agentB.get(`/gare/${dossier.id}`)).text);
    const forged = await agentB.post(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`).field('_csrf', tokenB).attach('file', demoPdf('Falso'), 'falso.pdf');
    expect(forged.status).to.equal(403);
    await pA.reload();
    expect(sha(binary(await asBuffer(agentA.get(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`))))).to.equal(sha(p7m));
    // An empty file is refused with a message, the previous adhesion stays.
    const empty = await agentA.post(`/gare/${dossier.id}/partecipanti/${pA.id}/adesione`).field('_csrf', token).attach('file', Buffer.alloc(0), 'vuoto.pdf');
    expect(empty.status).to.equal(302);
    const after = await agentA.get(`/gare/${dossier.id}`);
    expect(after.text).to.contain('è vuoto');
    expect(pB.adhesionFileId).to.equal(null);
  });
});
