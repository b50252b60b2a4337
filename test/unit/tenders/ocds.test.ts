import { existsSync } from 'node:fs';
import { expect } from 'chai';
import {
  LOTS_EXTENSION_URL,
  PROCEDURE_TO_METHOD,
  buildRelease,
  buildReleasePackage,
  type OcdsRelease,
  type PublicDossier,
} from '../../../src/modules/tenders/ocds.js';
import { PHASES, type Phase } from '../../../src/modules/tenders/procurement.js';
import { DEFAULT_SCHEMAS_DIR, validateReleasePackage } from '../../../scripts/check-ocds.js';
import {
  SAMPLE_PACKAGE_OPTIONS,
  SAMPLE_RELEASE_OPTIONS,
  sampleDossier,
  sampleDossiers,
} from './fixtures/sample-dossiers.js';

function release(phase: Phase, change: (d: PublicDossier) => void = () => {}): OcdsRelease {
  const dossier = sampleDossier(phase, 42);
  change(dossier);
  return buildRelease(dossier, SAMPLE_RELEASE_OPTIONS);
}

function allDocuments(r: OcdsRelease) {
  return [
    ...(r.tender.documents ?? []),
    ...(r.awards ?? []).flatMap((a) => a.documents ?? []),
    ...(r.contracts ?? []).flatMap((c) => c.documents ?? []),
  ];
}

describe('tenders/ocds', () => {
  describe('buildRelease', () => {
    it('builds the ocid from the prefix and the dossier id', () => {
      const r = release('published');
      expect(r.ocid).to.equal('ocds-cit000-42');
      expect(buildRelease(sampleDossier('published', 7), { ...SAMPLE_RELEASE_OPTIONS, ocidPrefix: 'ocds-abc123-' }).ocid)
        .to.equal('ocds-abc123-7');
      expect(r.initiationType).to.equal('tender');
      expect(r.date).to.equal('2026-01-31T16:45:12.345Z');
    });

    it('gives each phase and each change its own release id', () => {
      const ids = PHASES.map((p) => release(p).id);
      expect(new Set(ids).size).to.equal(PHASES.length);
      const later = release('published', (d) => { d.updatedAt = new Date('2026-02-10T10:00:00Z'); });
      expect(later.id).to.not.equal(release('published').id);
      expect(later.id.startsWith('ocds-cit000-42-')).to.equal(true);
    });

    it('maps the phase to the release tag and the tender status', () => {
      const expected: Record<Phase, [string, string]> = {
        needs_collection: ['planning', 'planning'],
        preparation: ['planning', 'planned'],
        published: ['tender', 'active'],
        evaluation: ['tender', 'active'],
        awarded: ['award', 'complete'],
        contract: ['contract', 'complete'],
        execution: ['implementation', 'complete'],
        closed: ['contractTermination', 'complete'],
        cancelled: ['tenderCancellation', 'cancelled'],
      };
      for (const phase of PHASES) {
        const r = release(phase);
        expect([r.tag[0], r.tender.status], phase).to.deep.equal(expected[phase]);
        expect(r.tag).to.have.length(1);
      }
      const closedWithoutContract = release('closed', (d) => { d.contract = null; });
      expect(closedWithoutContract.tag).to.deep.equal(['implementation']);
    });

    it('maps each Italian procedure to a procurementMethod and keeps the Italian name', () => {
      const expected = {
        affidamento_diretto: 'direct',
        procedura_negoziata: 'limited',
        procedura_aperta: 'open',
        adesione_convenzione: 'direct',
        mepa: 'selective',
      } as const;
      expect(PROCEDURE_TO_METHOD).to.deep.equal(expected);
      for (const [procedure, method] of Object.entries(expected)) {
        const r = release('published', (d) => { d.procedure = procedure as keyof typeof expected; });
        expect(r.tender.procurementMethod, procedure).to.equal(method);
      }
      expect(release('published', (d) => { d.procedure = 'procedura_negoziata'; }).tender.procurementMethodDetails)
        .to.equal('Procedura negoziata senza bando');
      const adesione = release('published', (d) => { d.procedure = 'adesione_convenzione'; });
      expect(adesione.tender.procurementMethodDetails).to.equal('Adesione a convenzione o accordo quadro');
      expect(adesione.tender.procurementMethodRationale).to.match(/centrale di committenza/);
    });

    it('maps the category', () => {
      expect(release('published', (d) => { d.category = 'goods'; }).tender.mainProcurementCategory).to.equal('goods');
      expect(release('published', (d) => { d.category = 'works'; }).tender.mainProcurementCategory).to.equal('works');
      expect(release('published').tender.mainProcurementCategory).to.equal('services');
    });

    it('publishes only public documents, whatever slips into the input', () => {
      for (const phase of PHASES) {
        const ids = allDocuments(release(phase)).map((d) => d.id);
        expect(ids, phase).to.not.include('d3');
        expect(ids, phase).to.not.include('d4');
        expect(ids, phase).to.include('d1');
      }
      const json = JSON.stringify(release('closed'));
      expect(json).to.not.contain('riservato');
      expect(json).to.not.contain('quesiti');
    });

    it('maps document types and makes links absolute', () => {
      const r = release('contract');
      const determina = r.tender.documents?.find((d) => d.id === 'd1');
      expect(determina).to.deep.include({
        documentType: 'procurementPlan',
        url: 'https://cithub.example.it/gare/2026-1/documenti/d1',
        format: 'application/pdf',
        datePublished: '2026-01-20T00:00:00+01:00',
      });
      expect(r.tender.documents?.find((d) => d.id === 'd2')?.documentType).to.equal('technicalSpecifications');
      expect(r.awards?.[0].documents?.map((d) => [d.id, d.documentType])).to.deep.equal([['d5', 'awardNotice']]);
      expect(r.contracts?.[0].documents?.map((d) => [d.id, d.documentType])).to.deep.equal([['d6', 'contractSigned']]);
      const other = release('published', (d) => {
        d.documents = [{ id: 'x', type: 'altro', title: 'Nota', url: 'https://example.org/n.pdf', visibility: 'public' }];
      });
      expect(other.tender.documents?.[0]).to.not.have.property('documentType');
    });

    it('converts cents to euros without floating errors', () => {
      const r = release('contract', (d) => {
        d.estimatedValueCents = 123_456_789;
        d.lots[0].valueCents = 10;
        d.lots[1].valueCents = 30;
      });
      expect(r.tender.value).to.deep.equal({ amount: 1234567.89, currency: 'EUR' });
      const json = JSON.stringify(r);
      expect(json).to.contain('"amount":1234567.89,');
      expect(json).to.contain('"amount":0.1,');
      expect(json).to.contain('"amount":0.3,');
      expect(r.awards?.[0].value).to.deep.equal({ amount: 279500.5, currency: 'EUR' });
      expect(release('published', (d) => { d.estimatedValueCents = null; }).tender).to.not.have.property('value');
    });

    it('names the lead body as procuring entity and the adhering bodies as buyers', () => {
      const r = release('published');
      expect(r.tender.procuringEntity).to.deep.equal({ id: 'IT-IPA-p_bs', name: 'Provincia di Brescia' });
      expect(r.buyer).to.deep.equal(r.tender.procuringEntity);
      const lead = r.parties.find((p) => p.id === 'IT-IPA-p_bs');
      expect(lead?.roles).to.have.members(['procuringEntity', 'buyer']);
      expect(r.parties.filter((p) => p.id === 'IT-IPA-p_bs')).to.have.length(1);
      expect(r.parties.find((p) => p.id === 'IT-IPA-c_e333')).to.deep.include({
        name: 'Comune di Iseo',
        roles: ['buyer'],
        identifier: { scheme: 'IT-IPA', id: 'c_e333', legalName: 'Comune di Iseo' },
      });
    });

    it('carries lots with their CIG, the CPV and the CUP', () => {
      const r = release('published');
      expect(r.tender.lots?.map((l) => [l.id, l.status, l.value?.amount])).to.deep.equal([
        ['lot-1', 'active', 300000],
        ['lot-2', 'planned', 180000],
      ]);
      expect(r.tender.lots?.[0].description).to.equal('CIG B1A2C3D4E5');
      expect(r.tender.items.map((i) => i.relatedLot)).to.deep.equal(['lot-1', 'lot-2']);
      expect(r.tender.items[0].classification).to.deep.equal({ scheme: 'CPV', id: '72000000-5' });
      expect(r.planning?.budget.projectID).to.equal('G81C26000010006');
      const awarded = release('awarded');
      expect(awarded.tender.lots?.map((l) => l.status)).to.deep.equal(['complete', 'unsuccessful']);
      const single = release('published', (d) => { d.lots = []; d.cup = null; });
      expect(single.tender).to.not.have.property('lots');
      expect(single.tender.items).to.have.length(1);
      expect(single).to.not.have.property('planning');
    });

    it('adds award and contract only when they exist', () => {
      for (const phase of ['needs_collection', 'preparation', 'published', 'evaluation', 'cancelled'] as const) {
        const r = release(phase);
        expect(r, phase).to.not.have.property('awards');
        expect(r, phase).to.not.have.property('contracts');
      }
      const awarded = release('awarded');
      expect(awarded.awards?.[0]).to.deep.include({ status: 'active', date: '2026-04-10T00:00:00+02:00' });
      expect(awarded.awards?.[0].suppliers).to.deep.equal([{ id: 'IT-CF-01234567890', name: 'Documentale Cloud S.r.l.' }]);
      expect(awarded.parties.find((p) => p.roles.includes('supplier'))?.name).to.equal('Documentale Cloud S.r.l.');
      expect(awarded).to.not.have.property('contracts');
      const contract = release('contract');
      expect(contract.contracts?.[0]).to.deep.include({
        awardID: contract.awards?.[0].id,
        status: 'active',
        dateSigned: '2026-05-20T00:00:00+02:00',
      });
      expect(release('closed').contracts?.[0].status).to.equal('terminated');
      const noCode = release('awarded', (d) => { d.award = { supplierName: 'Rete Civica Società Cooperativa' }; });
      expect(noCode.awards?.[0].suppliers?.[0].id).to.equal('supplier-rete-civica-societa-cooperativa');
      expect(noCode.parties.find((p) => p.roles.includes('supplier'))).to.not.have.property('identifier');
    });

    it('gives one award and one contract per lot, with relatedLots; a failed lot is unsuccessful on its own', () => {
      const awarded = release('contract');
      expect(awarded.awards?.map((a) => [a.id, a.status, a.relatedLots])).to.deep.equal([
        ['42-award-lot-1', 'active', ['lot-1']],
        ['42-award-lot-2', 'unsuccessful', ['lot-2']],
      ]);
      expect(awarded.awards?.[1]).to.not.have.property('suppliers');
      expect(awarded.contracts?.map((c) => [c.id, c.awardID])).to.deep.equal([['42-contract-lot-1', '42-award-lot-1']]);
      // Two lots awarded: each has its own award and contract; the single amount is not split between them.
      const both = release('contract', (d) => { d.lots = d.lots.map((l) => ({ ...l, status: 'awarded' as const })); });
      expect(both.awards?.map((a) => a.relatedLots)).to.deep.equal([['lot-1'], ['lot-2']]);
      expect(both.contracts).to.have.length(2);
      expect(both.awards?.[0]).to.not.have.property('value');
      // A lot-specific award document sits with that lot's award only.
      const withDocs = release('awarded', (d) => {
        d.lots = d.lots.map((l) => ({ ...l, status: 'awarded' as const }));
        d.documents = [{ id: 'a2', type: 'provvedimento_aggiudicazione', title: 'Aggiudicazione lotto 2', url: '/d/a2', visibility: 'public', lotId: 2 }];
      });
      expect(withDocs.awards?.map((a) => (a.documents ?? []).map((x) => x.id))).to.deep.equal([[], ['a2']]);
    });

    it('names the comune buyer and procuring entity of its own procedure', () => {
      const r = release('awarded', (d) => { d.procuringEntity = { ipaCode: 'c_h642', name: 'Comune di Russi' }; d.buyers = []; });
      expect(r.buyer).to.deep.equal({ id: 'IT-IPA-c_h642', name: 'Comune di Russi' });
      expect(r.tender.procuringEntity).to.deep.equal({ id: 'IT-IPA-c_h642', name: 'Comune di Russi' });
      expect(r.parties.filter((p) => p.roles.includes('buyer')).map((p) => p.name)).to.deep.equal(['Comune di Russi']);
    });

    it('derives the release id and date from the state: the same state gives the same release, a change a new one', () => {
      const a = release('published');
      const b = release('published');
      expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
      expect(a.id).to.match(/^ocds-cit000-42-[0-9a-f]{16}$/);
      expect(a.date).to.equal('2026-01-31T16:45:12.345Z');
      const changed = release('published', (d) => { d.title = `${d.title} (rettifica)`; d.updatedAt = new Date('2026-02-01T09:00:00Z'); });
      expect(changed.id).to.not.equal(a.id);
      expect(changed.date).to.equal('2026-02-01T09:00:00Z');
    });

    it('explains a cancellation with its reason', () => {
      const r = release('cancelled');
      const doc = r.tender.documents?.find((d) => d.documentType === 'cancellationDetails');
      expect(doc?.description).to.equal('Sopravvenuta adesione a una convenzione Consip con condizioni migliori.');
      expect(r.tender.lots?.map((l) => l.status)).to.include('cancelled');
    });

    it('dates milestones and derives the tender period and statuses', () => {
      const r = release('published');
      const byId = Object.fromEntries((r.tender.milestones ?? []).map((m) => [m.id, m]));
      // A deadline given as a day ends with that day in Rome; other days start it.
      expect(byId.m1).to.deep.include({ dueDate: '2026-01-15T23:59:59+01:00', type: 'preProcurement', status: 'met' });
      expect(byId.m2).to.deep.include({ dueDate: '2026-02-02T00:00:00+01:00', status: 'met' });
      expect(byId.m3).to.deep.include({ dueDate: '2026-03-05T11:00:00Z', type: 'engagement', status: 'scheduled' });
      expect(byId.m5.description).to.contain('60 giorni');
      expect(r.tender.tenderPeriod).to.deep.equal({ startDate: '2026-02-02T00:00:00+01:00', endDate: '2026-03-05T11:00:00Z' });
      // Past due, as of the release's own date, but not recorded as reached: the status is unknown and left out.
      const late = release('published', (d) => { d.updatedAt = new Date('2026-03-06T00:00:00Z'); });
      expect(late.tender.milestones?.find((m) => m.id === 'm3')).to.not.have.property('status');
    });

    it('neither changes its input nor depends on anything but the input and the options', () => {
      const dossier = sampleDossier('awarded', 9);
      const snapshot = JSON.stringify(dossier);
      const first = buildRelease(dossier, SAMPLE_RELEASE_OPTIONS);
      expect(JSON.stringify(dossier)).to.equal(snapshot);
      expect(buildRelease(sampleDossier('awarded', 9), SAMPLE_RELEASE_OPTIONS)).to.deep.equal(first);
    });
  });

  describe('buildReleasePackage', () => {
    it('wraps releases with the package metadata', () => {
      const releases = sampleDossiers().map((d) => buildRelease(d, SAMPLE_RELEASE_OPTIONS));
      const pkg = buildReleasePackage(releases, SAMPLE_PACKAGE_OPTIONS);
      expect(pkg.version).to.equal('1.1');
      expect(pkg.uri).to.equal(SAMPLE_PACKAGE_OPTIONS.uri);
      expect(pkg.publisher).to.deep.equal({ name: SAMPLE_PACKAGE_OPTIONS.publisherName });
      expect(pkg.license).to.equal('https://creativecommons.org/licenses/by/4.0/');
      expect(pkg.extensions).to.deep.equal([LOTS_EXTENSION_URL]);
      expect(pkg.releases).to.have.length(PHASES.length);
      expect(pkg.publishedDate).to.equal('2026-01-31T16:45:12.345Z');
    });

    it('dates the package at the latest release and omits what is not needed', () => {
      const a = release('published', (d) => { d.updatedAt = '2026-03-01T10:00:00Z'; d.lots = []; });
      const b = release('awarded', (d) => { d.updatedAt = new Date('2026-04-11T08:30:00Z'); d.lots = []; });
      const pkg = buildReleasePackage([a, b], { ...SAMPLE_PACKAGE_OPTIONS, license: null });
      expect(pkg.publishedDate).to.equal('2026-04-11T08:30:00Z');
      expect(pkg).to.not.have.property('license');
      expect(pkg).to.not.have.property('extensions');
    });

    it('refuses an empty package, which OCDS does not allow', () => {
      expect(() => buildReleasePackage([], SAMPLE_PACKAGE_OPTIONS)).to.throw(RangeError, /at least one release/);
    });
  });

  describe('against the OCDS 1.1 schemas', () => {
    const schemasPresent = existsSync(DEFAULT_SCHEMAS_DIR);
    const skipWithoutSchemas = (ctx: Mocha.Context) => {
      console.warn(`    skipped: OCDS schemas not found in ${DEFAULT_SCHEMAS_DIR} (shared/ is not next to the repository)`);
      ctx.skip();
    };

    it('validates a package for every phase', function () {
      if (!schemasPresent) skipWithoutSchemas(this);
      for (const dossier of sampleDossiers()) {
        const pkg = buildReleasePackage([buildRelease(dossier, SAMPLE_RELEASE_OPTIONS)], SAMPLE_PACKAGE_OPTIONS);
        const result = validateReleasePackage(pkg, DEFAULT_SCHEMAS_DIR);
        expect(result.errors, dossier.phase).to.deep.equal([]);
        expect(result.valid).to.equal(true);
      }
      const all = buildReleasePackage(sampleDossiers().map((d) => buildRelease(d, SAMPLE_RELEASE_OPTIONS)), SAMPLE_PACKAGE_OPTIONS);
      expect(validateReleasePackage(all, DEFAULT_SCHEMAS_DIR).valid).to.equal(true);
    });

    it('reports schema errors with their paths', function () {
      if (!schemasPresent) skipWithoutSchemas(this);
      const pkg = JSON.parse(JSON.stringify(buildReleasePackage([release('published')], SAMPLE_PACKAGE_OPTIONS)));
      pkg.releases[0].tag = ['pubblicata'];
      pkg.releases[0].tender.procurementMethod = 'negoziata';
      pkg.releases[0].tender.documents[0].url = 'non è un indirizzo';
      pkg.releases[0].date = '31/01/2026';
      delete pkg.publisher;
      const result = validateReleasePackage(pkg, DEFAULT_SCHEMAS_DIR);
      expect(result.valid).to.equal(false);
      expect(result.errors.map((e) => e.path)).to.include.members([
        '',
        '/releases/0/tag/0',
        '/releases/0/tender/procurementMethod',
        '/releases/0/tender/documents/0/url',
        '/releases/0/date',
      ]);
      expect(result.errors.find((e) => e.path === '')?.message).to.contain('publisher');
    });
  });
});
