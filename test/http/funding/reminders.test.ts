// Deadline reminders: at the warning and at the danger threshold of each stage, one mail to the
// body's RTD and one to the centre's coach, through the real SMTP server — never twice for the same
// stage and threshold. The job is run on this test's own project only.
import { expect } from 'chai';
import { setBodyRtd } from '../../../src/modules/entities/index.js';
import { sendDeadlineReminders } from '../../../src/modules/funding/reminders.js';
import { testContext } from '../../helpers/app.js';
import { createBody, createUser } from '../../helpers/factories.js';
import { loginAs, postForm } from '../../helpers/http.js';
import { mailJobsTo } from '../../helpers/mail.js';
import { addDays, makeCall, makeProject, todayInRome } from './helpers.js';

describe('funding: deadline reminders', () => {
  it('mails the RTD and the coach once at the warning and once at the danger threshold', async () => {
    const { platform, inbox } = await testContext();
    const body = await createBody({ name: `Comune di Scadenzario ${Date.now().toString(36)}` });
    const rtd = await createUser('rtd', body.id);
    await setBodyRtd(body.id, rtd.id);
    const coach = await createUser('staff', null);
    // Staff choose the coach on the body's funding page: a wrong id is refused next to the field.
    const staff = await loginAs('staff@cithub.example');
    const bad = await postForm(staff, `/finanziamenti/enti/${body.id}`, `/finanziamenti/enti/${body.id}/referente`, { coachId: String(rtd.id) });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Scegli una persona dello staff del Centro');
    expect((await postForm(staff, `/finanziamenti/enti/${body.id}`, `/finanziamenti/enti/${body.id}/referente`, { coachId: String(coach.id) })).status).to.equal(302);

    const call = await makeCall();
    // Contract due 180 days after the funding decree: 20 days from today (warning, not danger).
    const project = await makeProject(body.id, call.id, { fundedOn: addDays(todayInRome(), -160), cup: 'B51F22008400001' });
    const only = { projectIds: [project.id] };
    expect(await sendDeadlineReminders(platform, { ...only, today: addDays(todayInRome(), -30) })).to.equal(0);
    expect(await sendDeadlineReminders(platform, only)).to.equal(1);
    const toRtd = await inbox.waitFor(rtd.email, new RegExp(`Scadenza tra 20 giorni: Contratto.*${body.name}`));
    expect(toRtd.text).to.contain(`/finanziamenti/progetti/${project.id}`);
    await inbox.waitFor(coach.email, /Scadenza tra 20 giorni/);
    expect(await sendDeadlineReminders(platform, only)).to.equal(0);
    expect(await sendDeadlineReminders(platform, { ...only, today: addDays(todayInRome(), 2) })).to.equal(0);

    // Six days later the contract is 14 days away: the danger reminder, once.
    const later = addDays(todayInRome(), 6);
    expect(await sendDeadlineReminders(platform, { ...only, today: later })).to.equal(1);
    await inbox.waitFor(rtd.email, /Scadenza vicina, tra 14 giorni/);
    expect(await sendDeadlineReminders(platform, { ...only, today: later })).to.equal(0);
    for (const to of [rtd.email, coach.email]) expect(await mailJobsTo(to)).to.have.length(2);

  });
});
