// The demo of the issue: the RTD table of the Province of Lecce with the RTDs of several comuni, and
// a R.I.S.O.-style project group with a sponsor, a facilitator and a supplier invited as a guest.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { DEMO_PROJECT_GROUP, DEMO_RTD_TABLE } from '../../../src/modules/groups/seed.js';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';

describe('groups: the demo', function () {
  this.timeout(120_000);
  it('holds the RTD table with the RTDs of several comuni and the project group with sponsor, facilitator and supplier', async () => {
    const { platform } = await testContext();
    const roles = async (name: string) =>
      platform.sequelize.query<{ id: number; kind: string; role: string; entity_id: number | null }>(
        'SELECT g.id, g.kind, m.role, m.entity_id FROM groups_groups g JOIN groups_members m ON m.group_id = g.id WHERE g.name = :name',
        { replacements: { name }, type: QueryTypes.SELECT },
      );
    const table = await roles(DEMO_RTD_TABLE);
    expect(table[0].kind).to.equal('technical');
    expect(new Set(table.filter((r) => r.role === 'referent').map((r) => r.entity_id)).size).to.be.at.least(3);
    const project = await roles(DEMO_PROJECT_GROUP);
    expect(project[0].kind).to.equal('project');
    expect(project.map((r) => r.role)).to.include.members(['sponsor', 'facilitator', 'coordinator']);
    const guests = await platform.sequelize.query<{ organisation: string }>(
      'SELECT p.organisation FROM groups_participants p JOIN groups_meetings m ON m.id = p.meeting_id WHERE m.group_id = :g AND p.guest',
      { replacements: { g: project[0].id }, type: QueryTypes.SELECT },
    );
    expect(guests.map((g) => g.organisation)).to.include('Salento Digitale srl');
    // The table's page opens for a comune's RTD in it.
    const page = await (await loginAs('rtd@galatina.cithub.example')).get(`/tavoli/${table[0].id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Tavolo tecnico RTD — Provincia di Lecce');
  });
});
