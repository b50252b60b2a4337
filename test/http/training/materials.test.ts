// Session materials: files through the project's uploads (type from content, allow-list) and links,
// added by staff or the session's speaker; listed and downloaded only by people with a confirmed
// seat, the speaker and staff; everyone else (waiting list, another comune, visitors) gets 404.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { registerToSession } from '../../../src/modules/training/registrations.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { anonymousAgent, csrfFrom, loginAs, type Agent } from '../../helpers/http.js';
import { actorOf, makeCycle, makeSession } from './helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

async function materials(sessionId: number) {
  const { platform } = await testContext();
  return platform.sequelize.query<{ id: number; kind: string; title: string; url: string | null; file_id: string | null }>(`SELECT id, kind, title, url, file_id FROM training_materials WHERE session_id = :sessionId ORDER BY id`, { replacements: { sessionId }, type: QueryTypes.SELECT });
}

async function send(agent: Agent, sessionId: number, fields: Record<string, string>, file?: { body: Buffer; name: string }) {
  const token = csrfFrom((await agent.get(`/formazione/sessioni/${sessionId}`)).text);
  let req = agent.post(`/formazione/sessioni/${sessionId}/materiali`).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.body, file.name);
  return req;
}

describe('training: session materials', () => {
  before(async function () {
    this.timeout(300_000);
    await testContext();
  });

  it('staff and the speaker add files and links; bad input comes back next to the field and saves nothing', async () => {
    const speaker = await createUser('member', (await createBody()).id);
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { speakerEmail: speaker.email });
    const staff = await loginAs('staff@cithub.example');

    const none = await send(staff, session.id, { kind: 'slides', title: 'Le slide' });
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Indica un link oppure allega un file.');
    expect(none.text).to.contain('value="Le slide"');
    const both = await send(staff, session.id, { kind: 'slides', title: 'Le slide', url: 'https://slides.example/1' }, { body: PDF, name: 'slide.pdf' });
    expect(both.status).to.equal(422);
    expect(both.text).to.contain('Indica un link oppure un file, non tutti e due.');
    const badUrl = await send(staff, session.id, { kind: 'recording', title: 'Registrazione', url: 'javascript:alert(1)' });
    expect(badUrl.status).to.equal(422);
    expect(badUrl.text).to.contain('Il link deve iniziare con http:// o https://.');
    const badKind = await send(staff, session.id, { kind: 'virus', title: 'X', url: 'https://x.example' });
    expect(badKind.status).to.equal(422);
    expect(badKind.text).to.contain('Scegli il tipo di materiale.');
    const exe = await send(staff, session.id, { kind: 'file', title: 'Programma' }, { body: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff, 0xff, 0x00, 0x00, 0xb8, 0x00]), name: 'setup.exe' });
    expect(exe.status).to.equal(422);
    expect(await materials(session.id)).to.have.length(0);

    expect((await send(staff, session.id, { kind: 'slides', title: 'Slide della sessione' }, { body: PDF, name: 'slide.pdf' })).status).to.equal(302);
    const speakerAgent = await loginAs(speaker.email);
    expect((await send(speakerAgent, session.id, { kind: 'recording', title: 'Registrazione della diretta', url: 'https://video.example/rec-1' })).status).to.equal(302);
    const list = await materials(session.id);
    expect(list.map((m) => [m.kind, m.title, m.url, m.file_id !== null])).to.deep.equal([
      ['slides', 'Slide della sessione', null, true],
      ['recording', 'Registrazione della diretta', 'https://video.example/rec-1', false],
    ]);
    const page = await staff.get(`/formazione/sessioni/${session.id}`);
    expect(page.text).to.contain('Materiale «Slide della sessione» aggiunto.');

    // A plain member (even registered) adds nothing.
    const member = await createUser('member', (await createBody()).id);
    const { platform } = await testContext();
    await registerToSession(platform, actorOf(member), session.id);
    const memberAgent = await loginAs(member.email);
    expect((await send(memberAgent, session.id, { kind: 'link', title: 'Spam', url: 'https://spam.example' })).status).to.equal(404);
    expect(await materials(session.id)).to.have.length(2);

    // Staff remove one.
    const token = csrfFrom(page.text);
    expect((await staff.post(`/formazione/materiali/${list[1].id}/elimina`).type('form').send({ _csrf: token })).status).to.equal(302);
    expect((await materials(session.id)).map((m) => m.title)).to.deep.equal(['Slide della sessione']);
    expect((await memberAgent.post(`/formazione/materiali/${list[0].id}/elimina`).type('form').send({ _csrf: csrfFrom((await memberAgent.get(`/formazione/sessioni/${session.id}`)).text) })).status).to.equal(404);
  });

  it('only people with a confirmed seat (and the speaker, and staff) see and download the materials', async () => {
    const { platform } = await testContext();
    const cycle = await makeCycle();
    const session = await makeSession(cycle.id, { capacity: '1' });
    const staff = await loginAs('staff@cithub.example');
    await send(staff, session.id, { kind: 'slides', title: 'Dispensa riservata QZX' }, { body: PDF, name: 'dispensa.pdf' });
    await send(staff, session.id, { kind: 'recording', title: 'Registrazione riservata', url: 'https://video.example/segreta-QZX' });
    const [file] = await materials(session.id);
    const body = await createBody();
    const [inSeat, waiting] = [await createUser('member', body.id), await createUser('member', body.id)];
    const outsider = await createUser('rtd', (await createBody()).id);
    await registerToSession(platform, actorOf(inSeat), session.id);
    await registerToSession(platform, actorOf(waiting), session.id);

    const seat = await loginAs(inSeat.email);
    const seen = await seat.get(`/formazione/sessioni/${session.id}`);
    expect(seen.text).to.contain('Dispensa riservata QZX');
    expect(seen.text).to.contain('https://video.example/segreta-QZX');
    const download = await seat.get(`/formazione/materiali/${file.id}/file`).buffer(true);
    expect(download.status).to.equal(200);
    expect(download.headers['content-type']).to.contain('application/pdf');

    for (const [who, agent] of [['waiting list', await loginAs(waiting.email)], ['another comune', await loginAs(outsider.email)], ['visitor', await anonymousAgent()]] as const) {
      const pageText = (await agent.get(`/formazione/sessioni/${session.id}`)).text;
      expect(pageText, who).to.not.contain('Dispensa riservata QZX');
      expect(pageText, who).to.not.contain('segreta-QZX');
      expect((await agent.get(`/formazione/materiali/${file.id}/file`)).status, who).to.equal(404);
    }
    expect((await seat.get('/formazione/materiali/999999999/file')).status).to.equal(404);
    expect((await seat.get('/formazione/materiali/abc/file')).status).to.equal(404);
  });
});
