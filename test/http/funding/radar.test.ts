// The weekly radar: one digest per body of its eligible open calls and its deadlines in the next 30
// days, read from the real SMTP server; the profile's opt-out is respected; once per body and week.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { setBodyRtd } from '../../../src/modules/entities/index.js';
import { isoWeek, RADAR_CRON, RADAR_JOB, sendRadar } from '../../../src/modules/funding/radar.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { addDays, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: the weekly radar', () => {
  it('is scheduled weekly on the job queue', async () => {
    const { platform } = await testContext();
    const [row] = await platform.sequelize.query<{ cron: string; timezone: string }>('SELECT cron, timezone FROM pgboss.schedule WHERE name = :name', { replacements: { name: RADAR_JOB }, type: QueryTypes.SELECT });
    expect(row).to.deep.equal({ cron: RADAR_CRON, timezone: 'Europe/Rome' });
  });

  it('mails each user of the body its open calls and deadlines, once a week, not to who opted out in the profile', async () => {
    const { platform, inbox } = await testContext();
    const body = await createBody({ name: `Comune di Radar ${Date.now().toString(36)}` });
    const rtd = await createUser('rtd', body.id);
    await setBodyRtd(body.id, rtd.id);
    const member = await createUser('member', body.id);
    // The member opts out in the profile (the optional notifications).
    const agent = await loginAs(member.email);
    expect((await postForm(agent, '/profilo', '/profilo', { name: member.name })).status).to.equal(302);

    const open = await makeCall({ title: `Avviso aperto radar ${Date.now().toString(36)}` });
    const forProvinces = await makeCall({ title: `Avviso per le province radar ${Date.now().toString(36)}`, eligibleKinds: ['provincia'] });
    const closed = await makeCall({ title: `Avviso chiuso radar ${Date.now().toString(36)}`, opensOn: addDays(todayInRome(), -60), closesOn: addDays(todayInRome(), -1) });
    // Contract due 20 days from today; a second project's contract is due in 50 days (beyond the radar).
    const soon = await makeProject(body.id, open.id, { title: 'Progetto radar vicino', fundedOn: addDays(todayInRome(), -160), cup: 'B51F22008409991' });
    const far = await makeProject(body.id, closed.id, { title: 'Progetto radar lontano', fundedOn: addDays(todayInRome(), -130), cup: 'B51F22008409992' });
    void far;

    expect(await sendRadar(platform, { entityIds: [body.id] })).to.equal(1);
    const mail = await inbox.waitFor(rtd.email, new RegExp(`Radar dei finanziamenti di ${body.name}`));
    expect(mail.text).to.contain(open.title).and.contain('candidatura già registrata');
    expect(mail.text).to.not.contain(forProvinces.title).and.not.contain(closed.title);
    expect(mail.text).to.contain('Contratto con il fornitore').and.contain('Progetto radar vicino').and.contain('tra 20 giorni');
    expect(mail.text).to.not.contain('Progetto radar lontano');
    expect(mail.text).to.contain(`/finanziamenti/progetti/${soon.id}`).and.contain('/profilo');
    expect(mail.html).to.contain(`/finanziamenti/avvisi/${open.id}`);
    expect(await mailJobsTo(member.email)).to.deep.equal([]);

    // The same week again: nothing; the next week: a new digest.
    expect(await sendRadar(platform, { entityIds: [body.id] })).to.equal(0);
    expect(await sendRadar(platform, { entityIds: [body.id], today: addDays(todayInRome(), 7) })).to.equal(1);
    expect(await mailJobsTo(rtd.email)).to.have.length(2);
    const weeks = await platform.sequelize.query<{ week: string }>('SELECT week FROM funding_radar_sent WHERE entity_id = :id ORDER BY week', { replacements: { id: body.id }, type: QueryTypes.SELECT });
    expect(weeks.map((w) => w.week)).to.deep.equal([isoWeek(todayInRome()), isoWeek(addDays(todayInRome(), 7))]);
    expect(await mailJobsTo(member.email)).to.deep.equal([]);
  });

  it('sends nothing to a body whose users all opted out, and claims no week for it', async () => {
    const { platform } = await testContext();
    const body = await createBody();
    const rtd = await createUser('rtd', body.id);
    await rtd.update({ notifyOptional: false });
    await makeCall();
    expect(await sendRadar(platform, { entityIds: [body.id] })).to.equal(0);
    expect(await mailJobsTo(rtd.email)).to.deep.equal([]);
    const [{ n }] = await platform.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM funding_radar_sent WHERE entity_id = :id', { replacements: { id: body.id }, type: QueryTypes.SELECT });
    expect(n).to.equal(0);
  });
});
