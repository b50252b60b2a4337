import { expect } from 'chai';
import i18next from 'i18next';
import { initI18n, messageTranslator, translator } from '../../../src/platform/i18n.js';
import { FUNDINGS, NEEDS_MEASURES } from '../../../src/modules/tenders/models.js';
import {
  CATEGORIES,
  DOCUMENT_TYPES,
  DOCUMENT_VISIBILITIES,
  LOT_STATUSES,
  MILESTONE_KINDS,
  MILESTONE_KIND_PHASE,
  PARTICIPANT_STATUSES,
  PHASES,
  PHASE_FLOW,
  PROCEDURES,
  PROCUREMENT_THRESHOLDS,
  canMoveToPhase,
  checkMilestoneOrder,
  checkPhaseMove,
  checkProcedure,
  isPhase,
  minimumOperatorsToInvite,
  missingDocumentsForPhase,
  needsAnswerAllowed,
  thresholdBand,
  validateCig,
  validateCup,
  type Category,
  type DocumentType,
  type Phase,
  type Procedure,
} from '../../../src/modules/tenders/procurement.js';

const EURO = 100;

// Messages are keys; these tests read them as an Italian (and, where said, an English) reader does.
const tm = messageTranslator('it');
const tmEn = messageTranslator('en');
const itLabel = translator('it');
const move = (input: Parameters<typeof checkPhaseMove>[0]) => {
  const r = checkPhaseMove(input);
  return r.ok ? r : { ok: false as const, errors: r.errors.map((e) => tm(e)) };
};
const order = (milestones: Parameters<typeof checkMilestoneOrder>[0]) => checkMilestoneOrder(milestones).map((e) => tm(e));

function codes(category: Category, procedure: Procedure, euros: number | null): string[] {
  return checkProcedure({ category, procedure, estimatedValueCents: euros === null ? null : Math.round(euros * EURO) }).map((w) => w.code);
}

describe('tenders/procurement', () => {
  describe('vocabularies', () => {
    it('labels every value in Italian and in English', async () => {
      await initI18n();
      const vocabularies: Array<[string, readonly string[]]> = [
        ['category', CATEGORIES],
        ['procedure', PROCEDURES],
        ['phase', PHASES],
        ['participantStatus', PARTICIPANT_STATUSES],
        ['lotStatus', LOT_STATUSES],
        ['documentType', DOCUMENT_TYPES],
        ['documentTypeInline', DOCUMENT_TYPES],
        ['visibility', DOCUMENT_VISIBILITIES],
        ['visibilityInline', DOCUMENT_VISIBILITIES],
        ['milestoneKind', MILESTONE_KINDS],
        ['funding', FUNDINGS],
        ['measure', NEEDS_MEASURES],
      ];
      for (const [section, codes] of vocabularies) {
        for (const code of codes) {
          for (const lng of ['it', 'en']) expect(i18next.exists(`tenders:${section}.${code}`, { lng }), `${lng} tenders:${section}.${code}`).to.equal(true);
        }
      }
      expect(CATEGORIES.map((c) => itLabel(`tenders:category.${c}`))).to.deep.equal(['Forniture', 'Servizi', 'Lavori']);
      expect(itLabel('tenders:procedure.adesione_convenzione')).to.match(/convenzione.*accordo quadro/);
      expect(itLabel('tenders:procedure.mepa')).to.match(/MePA/);
      expect(itLabel('tenders:phase.needs_collection')).to.equal('Raccolta fabbisogni');
      expect(itLabel('tenders:phase.cancelled')).to.equal('Annullata');
      expect(PARTICIPANT_STATUSES.map((s) => itLabel(`tenders:participantStatus.${s}`))).to.deep.equal(['Invitato', 'Interessato', 'Aderente', 'Ritirato']);
      expect(itLabel('tenders:documentType.determina_a_contrarre')).to.equal('Determina a contrarre');
      expect(itLabel('tenders:documentType.bando_lettera_invito')).to.equal("Bando o lettera d'invito");
      expect([...DOCUMENT_VISIBILITIES]).to.deep.equal(['staff', 'participants', 'public']);
      expect(translator('en')('tenders:phase.needs_collection')).to.equal('Needs collection');
    });

    it('keeps the phases in their order, with cancelled off the flow', () => {
      expect([...PHASE_FLOW]).to.deep.equal([
        'needs_collection', 'preparation', 'published', 'evaluation', 'awarded', 'contract', 'execution', 'closed',
      ]);
      expect(PHASES[PHASES.length - 1]).to.equal('cancelled');
      expect(isPhase('published')).to.equal(true);
      expect(isPhase('pubblicata')).to.equal(false);
    });

    it('ties each milestone kind to its phase', () => {
      expect(MILESTONE_KIND_PHASE).to.deep.equal({
        needs_deadline: 'needs_collection',
        publication: 'published',
        offers_deadline: 'published',
        award: 'awarded',
        contract_signature: 'contract',
        other: null,
      });
    });
  });

  describe('validateCig / validateCup', () => {
    it('accepts a CIG after trimming and upper-casing', () => {
      expect(validateCig('  zab1234567 ')).to.deep.equal({ ok: true, value: 'ZAB1234567' });
      expect(validateCig('B82436559F')).to.deep.equal({ ok: true, value: 'B82436559F' });
    });

    it('refuses a CIG of the wrong length, saying how long it is', () => {
      const short = validateCig('ZAB123456');
      expect(short.ok).to.equal(false);
      if (!short.ok) expect(tm(short.error)).to.equal('Il CIG deve essere di 10 caratteri, ne sono stati inseriti 9.');
      if (!short.ok) expect(tmEn(short.error)).to.equal('The CIG must be 10 characters long; 9 were entered.');
      const long = validateCig('ZAB12345678');
      expect(long.ok).to.equal(false);
      if (!long.ok) expect(tm(long.error)).to.match(/10 caratteri.*11/);
    });

    it('refuses a CIG with characters other than letters and digits, naming them', () => {
      const r = validateCig('ZAB-12345/');
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(tm(r.error)).to.equal('Il CIG può contenere solo lettere e cifre; caratteri non ammessi: «-», «/».');
      const spaced = validateCig('ZAB 123456');
      if (!spaced.ok) expect(tm(spaced.error)).to.match(/spazio/);
      if (!spaced.ok) expect(tmEn(spaced.error)).to.match(/not allowed: space\./);
      else expect.fail('a CIG with an inner space was accepted');
      expect(validateCig('ZAB12345È7').ok).to.equal(false);
    });

    it('refuses an empty CIG', () => {
      const r = validateCig('   ');
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(tm(r.error)).to.equal('Inserisci il CIG.');
    });

    it('validates a CUP of 15 characters', () => {
      expect(validateCup('g81c26000010006')).to.deep.equal({ ok: true, value: 'G81C26000010006' });
      const short = validateCup('G81C2600001000');
      if (!short.ok) expect(tm(short.error)).to.equal('Il CUP deve essere di 15 caratteri, ne sono stati inseriti 14.');
      else expect.fail('a 14-character CUP was accepted');
      expect(validateCup('G81C260000100061').ok).to.equal(false);
      const bad = validateCup('G81C26000010_06');
      if (!bad.ok) expect(tm(bad.error)).to.match(/^Il CUP può contenere solo lettere e cifre.*«_»/);
      else expect.fail('a CUP with "_" was accepted');
    });
  });

  describe('thresholds', () => {
    it('keeps the figures of D.Lgs. 36/2023 in force from 1 January 2026', () => {
      expect(PROCUREMENT_THRESHOLDS.effectiveFrom).to.equal('2026-01-01');
      expect(PROCUREMENT_THRESHOLDS.byCategory.services).to.deep.equal({
        directAwardBelow: 140_000 * EURO, euThreshold: 216_000 * EURO, qualificationAbove: 140_000 * EURO,
      });
      expect(PROCUREMENT_THRESHOLDS.byCategory.goods).to.deep.equal(PROCUREMENT_THRESHOLDS.byCategory.services);
      expect(PROCUREMENT_THRESHOLDS.byCategory.works).to.deep.equal({
        directAwardBelow: 150_000 * EURO, euThreshold: 5_404_000 * EURO, qualificationAbove: 500_000 * EURO,
      });
    });

    it('places values in their art. 50 band at the boundaries', () => {
      expect(thresholdBand('services', 139_999_99)).to.equal('direct_award');
      expect(thresholdBand('services', 140_000 * EURO)).to.equal('negotiated');
      expect(thresholdBand('services', 215_999_99)).to.equal('negotiated');
      expect(thresholdBand('services', 216_000 * EURO)).to.equal('above_eu');
      expect(thresholdBand('works', 149_999_99)).to.equal('direct_award');
      expect(thresholdBand('works', 150_000 * EURO)).to.equal('negotiated');
      expect(thresholdBand('works', 5_403_999_99)).to.equal('negotiated');
      expect(thresholdBand('works', 5_404_000 * EURO)).to.equal('above_eu');
    });

    it('gives the minimum number of operators to consult', () => {
      expect(minimumOperatorsToInvite('goods', 139_999_99)).to.equal(null);
      expect(minimumOperatorsToInvite('goods', 140_000 * EURO)).to.deep.equal({ operators: 5, letter: 'e' });
      expect(minimumOperatorsToInvite('works', 150_000 * EURO)).to.deep.equal({ operators: 5, letter: 'c' });
      expect(minimumOperatorsToInvite('works', 999_999_99)).to.deep.equal({ operators: 5, letter: 'c' });
      expect(minimumOperatorsToInvite('works', 1_000_000 * EURO)).to.deep.equal({ operators: 10, letter: 'd' });
      expect(minimumOperatorsToInvite('works', 5_404_000 * EURO)).to.equal(null);
    });
  });

  describe('checkProcedure', () => {
    it('warns on affidamento diretto from € 140.000 for services and goods', () => {
      expect(codes('services', 'affidamento_diretto', 139_999.99)).to.deep.equal([]);
      expect(codes('services', 'affidamento_diretto', 140_000)).to.deep.equal(['direct_award_over_threshold']);
      expect(codes('goods', 'affidamento_diretto', 140_000.01)).to.deep.equal(['direct_award_over_threshold', 'qualification_required']);
      const [w] = checkProcedure({ category: 'goods', procedure: 'affidamento_diretto', estimatedValueCents: 140_000 * EURO });
      expect(tm(w?.message)).to.contain('inferiore a € 140.000,00');
      expect(tm(w?.message)).to.contain('art. 50, c. 1, lett. b');
      expect(tm(w?.message)).to.contain('€ 140.000,00');
      expect(tmEn(w?.message)).to.contain('direct award').and.to.contain('services and supplies below €140,000.00').and.to.contain('art. 50(1)(b)');
    });

    it('warns on affidamento diretto from € 150.000 for works', () => {
      expect(codes('works', 'affidamento_diretto', 149_999.99)).to.deep.equal([]);
      expect(codes('works', 'affidamento_diretto', 150_000)).to.deep.equal(['direct_award_over_threshold']);
      const [w] = checkProcedure({ category: 'works', procedure: 'affidamento_diretto', estimatedValueCents: 150_000 * EURO });
      expect(tm(w?.message)).to.contain('lavori').and.to.contain('lett. a').and.to.contain('€ 150.000,00');
    });

    it('warns on procedura negoziata from the EU threshold', () => {
      expect(codes('services', 'procedura_negoziata', 215_999.99)).to.not.include('negotiated_over_eu_threshold');
      expect(codes('services', 'procedura_negoziata', 216_000)).to.include('negotiated_over_eu_threshold');
      expect(codes('works', 'procedura_negoziata', 5_403_999.99)).to.not.include('negotiated_over_eu_threshold');
      expect(codes('works', 'procedura_negoziata', 5_404_000)).to.include('negotiated_over_eu_threshold');
      const w = checkProcedure({ category: 'works', procedure: 'procedura_negoziata', estimatedValueCents: 5_404_000 * EURO })
        .find((x) => x.code === 'negotiated_over_eu_threshold');
      expect(tm(w?.message)).to.contain('€ 5.404.000,00').and.to.contain('art. 14');
    });

    it('tells how many operators a procedura negoziata must consult', () => {
      const message = (category: Category, euros: number) =>
        checkProcedure({ category, procedure: 'procedura_negoziata', estimatedValueCents: euros * EURO })
          .find((w) => w.code === 'negotiated_min_operators')?.message;
      const shown = (category: Category, euros: number) => { const m = message(category, euros); return m === undefined ? undefined : tm(m); };
      expect(shown('services', 139_999)).to.equal(undefined);
      expect(shown('services', 140_000)).to.contain('almeno 5 operatori').and.to.contain('lett. e');
      expect(shown('works', 149_999)).to.equal(undefined);
      expect(shown('works', 150_000)).to.contain('almeno 5 operatori').and.to.contain('lett. c');
      expect(shown('works', 999_999)).to.contain('almeno 5 operatori');
      expect(shown('works', 1_000_000)).to.contain('almeno 10 operatori').and.to.contain('lett. d');
      expect(shown('works', 5_404_000)).to.equal(undefined);
    });

    it('adds the art. 62 note above € 140.000 (services, goods) and € 500.000 (works)', () => {
      expect(codes('services', 'procedura_aperta', 140_000)).to.deep.equal([]);
      expect(codes('services', 'procedura_aperta', 140_000.01)).to.deep.equal(['qualification_required']);
      expect(codes('works', 'procedura_aperta', 500_000)).to.deep.equal([]);
      expect(codes('works', 'procedura_aperta', 500_000.01)).to.deep.equal(['qualification_required']);
      const [w] = checkProcedure({ category: 'works', procedure: 'procedura_aperta', estimatedValueCents: 600_000 * EURO });
      expect(tm(w?.message)).to.contain('art. 62').and.to.contain('€ 500.000,00').and.to.contain('centrale di committenza');
    });

    it('does not apply the art. 62 note to an adesione a convenzione', () => {
      expect(codes('services', 'adesione_convenzione', 5_000_000)).to.deep.equal([]);
    });

    it('warns on MePA at or above the EU threshold', () => {
      expect(codes('goods', 'mepa', 215_999.99)).to.deep.equal(['qualification_required']);
      expect(codes('goods', 'mepa', 216_000)).to.deep.equal(['mepa_over_eu_threshold', 'qualification_required']);
    });

    it('says when it cannot check because the value is missing', () => {
      expect(codes('services', 'procedura_aperta', null)).to.deep.equal(['value_missing']);
    });

    it('refuses a negative or fractional value as a programming error', () => {
      expect(() => checkProcedure({ category: 'services', procedure: 'mepa', estimatedValueCents: -1 })).to.throw(RangeError);
      expect(() => checkProcedure({ category: 'services', procedure: 'mepa', estimatedValueCents: 1.5 })).to.throw(RangeError);
    });
  });

  describe('phases', () => {
    it('moves one step forward only', () => {
      for (let i = 0; i < PHASE_FLOW.length - 1; i += 1) {
        expect(canMoveToPhase(PHASE_FLOW[i], PHASE_FLOW[i + 1]), `${PHASE_FLOW[i]} → ${PHASE_FLOW[i + 1]}`).to.equal(true);
      }
      expect(canMoveToPhase('needs_collection', 'published')).to.equal(false);
      expect(canMoveToPhase('published', 'preparation')).to.equal(false);
      expect(canMoveToPhase('published', 'published')).to.equal(false);
    });

    it('cancels from any non-final phase and never leaves closed or cancelled', () => {
      for (const phase of PHASE_FLOW.slice(0, -1)) expect(canMoveToPhase(phase, 'cancelled'), phase).to.equal(true);
      for (const to of PHASES) {
        expect(canMoveToPhase('closed', to), `closed → ${to}`).to.equal(false);
        expect(canMoveToPhase('cancelled', to), `cancelled → ${to}`).to.equal(false);
      }
    });

    it('lists the documents missing to publish', () => {
      expect(missingDocumentsForPhase('published', [])).to.deep.equal(['determina_a_contrarre', 'bando_lettera_invito', 'capitolato']);
      expect(missingDocumentsForPhase('published', ['determina_a_contrarre', 'disciplinare'])).to.deep.equal(['bando_lettera_invito', 'capitolato']);
      expect(missingDocumentsForPhase('published', ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato'])).to.deep.equal([]);
      expect(missingDocumentsForPhase('preparation', [])).to.deep.equal([]);
    });

    it('needs only the determina to publish an affidamento diretto or an adesione', () => {
      expect(missingDocumentsForPhase('published', [], 'affidamento_diretto')).to.deep.equal(['determina_a_contrarre']);
      expect(missingDocumentsForPhase('published', [], 'adesione_convenzione')).to.deep.equal(['determina_a_contrarre']);
      expect(missingDocumentsForPhase('published', [], 'mepa')).to.have.length(3);
    });

    it('adds up requirements along the flow', () => {
      const published: DocumentType[] = ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato'];
      expect(missingDocumentsForPhase('awarded', published)).to.deep.equal(['provvedimento_aggiudicazione']);
      expect(missingDocumentsForPhase('contract', [...published, 'provvedimento_aggiudicazione'])).to.deep.equal(['contratto']);
      expect(missingDocumentsForPhase('closed', ['contratto', 'provvedimento_aggiudicazione', 'capitolato'])).to.deep.equal([
        'determina_a_contrarre', 'bando_lettera_invito',
      ]);
      expect(missingDocumentsForPhase('cancelled', [])).to.deep.equal([]);
    });

    it('refuses a move with the missing documents named in Italian', () => {
      const r = move({ from: 'preparation', to: 'published', presentDocumentTypes: ['capitolato'] });
      expect(r).to.deep.equal({
        ok: false,
        errors: ["Per passare alla fase «Pubblicata» mancano i documenti: determina a contrarre, bando o lettera d'invito."],
      });
      const awarded = move({
        from: 'evaluation',
        to: 'awarded',
        presentDocumentTypes: ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato', 'verbale'],
      });
      expect(awarded.ok).to.equal(false);
      if (!awarded.ok) expect(awarded.errors[0]).to.contain('provvedimento di aggiudicazione');
    });

    it('allows a move when the documents are there', () => {
      expect(move({
        from: 'preparation', to: 'published', presentDocumentTypes: ['determina_a_contrarre', 'bando_lettera_invito', 'capitolato'],
      })).to.deep.equal({ ok: true });
      expect(move({ from: 'needs_collection', to: 'preparation', presentDocumentTypes: [] })).to.deep.equal({ ok: true });
    });

    it('refuses skipping a phase, and leaving a final one', () => {
      const skip = move({ from: 'needs_collection', to: 'published', presentDocumentTypes: [...DOCUMENT_TYPES] });
      expect(skip).to.deep.equal({
        ok: false,
        errors: ['Dalla fase «Raccolta fabbisogni» si può passare solo a «Preparazione» oppure annullare la pratica.'],
      });
      const closed = move({ from: 'closed', to: 'cancelled', presentDocumentTypes: [], cancelledReason: 'x' });
      expect(closed.ok).to.equal(false);
      if (!closed.ok) expect(closed.errors[0]).to.contain('«Chiusa»');
    });

    it('requires a reason to cancel', () => {
      const noReason = move({ from: 'published', to: 'cancelled', presentDocumentTypes: [], cancelledReason: '  ' });
      expect(noReason).to.deep.equal({ ok: false, errors: ['Per annullare la pratica occorre indicarne il motivo.'] });
      expect(move({ from: 'published', to: 'cancelled', presentDocumentTypes: [], cancelledReason: 'Gara deserta' }))
        .to.deep.equal({ ok: true });
    });
  });

  describe('checkMilestoneOrder', () => {
    it('accepts dates in order, equal dates and missing kinds', () => {
      expect(order([
        { kind: 'needs_deadline', date: '2026-01-15' },
        { kind: 'publication', date: '2026-02-02' },
        { kind: 'offers_deadline', date: new Date('2026-03-05T11:00:00Z') },
        { kind: 'award', date: '2026-03-05' },
        { kind: 'contract_signature', date: '2026-05-20' },
        { kind: 'other', date: '2020-01-01' },
      ])).to.deep.equal([]);
      expect(order([
        { kind: 'publication', date: '2026-02-02' },
        { kind: 'contract_signature', date: '2026-05-20' },
      ])).to.deep.equal([]);
      expect(order([])).to.deep.equal([]);
    });

    it('reports an offers deadline before the publication, in Italian', () => {
      expect(order([
        { kind: 'publication', date: '2026-03-15' },
        { kind: 'offers_deadline', date: '2026-03-10' },
      ])).to.deep.equal([
        'La data «Scadenza offerte» (10/03/2026) non può precedere la data «Pubblicazione» (15/03/2026).',
      ]);
    });

    it('compares across kinds that are not neighbours when the middle ones are missing', () => {
      const errors = order([
        { kind: 'needs_deadline', date: '2026-06-01' },
        { kind: 'contract_signature', date: '2026-05-20' },
      ]);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.contain('Stipula del contratto').and.to.contain('Scadenza raccolta fabbisogni');
    });

    it('checks every milestone of a kind, e.g. an extended deadline after the award', () => {
      const errors = order([
        { kind: 'offers_deadline', date: '2026-03-05' },
        { kind: 'offers_deadline', date: '2026-04-20' },
        { kind: 'award', date: '2026-04-10' },
      ]);
      expect(errors).to.deep.equal([
        'La data «Aggiudicazione» (10/04/2026) non può precedere la data «Scadenza offerte» (20/04/2026).',
      ]);
    });

    it('compares instants in the Rome time zone', () => {
      expect(order([
        { kind: 'offers_deadline', date: new Date('2026-03-05T12:00:00Z') },
        { kind: 'award', date: new Date('2026-03-05T11:00:00Z') },
      ])[0]).to.contain('(05/03/2026 ore 12:00)').and.to.contain('(05/03/2026 ore 13:00)');
      // 23:30 UTC on 4 March is already 5 March in Rome: same day as the award, so in order.
      expect(order([
        { kind: 'offers_deadline', date: new Date('2026-03-04T23:30:00Z') },
        { kind: 'award', date: '2026-03-05' },
      ])).to.deep.equal([]);
    });
  });

  describe('needsAnswerAllowed', () => {
    it('accepts answers until the end of a deadline day in Rome', () => {
      expect(needsAnswerAllowed('2026-03-15', new Date('2026-03-15T22:59:59Z'))).to.equal(true);
      expect(needsAnswerAllowed('2026-03-15', new Date('2026-03-15T23:00:00Z'))).to.equal(false);
      expect(needsAnswerAllowed('2026-07-15', new Date('2026-07-15T21:59:59Z'))).to.equal(true);
      expect(needsAnswerAllowed('2026-07-15', new Date('2026-07-15T22:00:00Z'))).to.equal(false);
    });

    it('accepts answers up to an exact deadline instant', () => {
      const deadline = new Date('2026-03-15T11:00:00Z');
      expect(needsAnswerAllowed(deadline, new Date('2026-03-15T11:00:00Z'))).to.equal(true);
      expect(needsAnswerAllowed(deadline, new Date('2026-03-15T11:00:01Z'))).to.equal(false);
    });

    it('refuses answers without a deadline or outside needs collection', () => {
      const now = new Date('2026-01-01T00:00:00Z');
      expect(needsAnswerAllowed(null, now)).to.equal(false);
      expect(needsAnswerAllowed('2026-03-15', now, 'needs_collection')).to.equal(true);
      for (const phase of PHASES.filter((p): p is Exclude<Phase, 'needs_collection'> => p !== 'needs_collection')) {
        expect(needsAnswerAllowed('2026-03-15', now, phase), phase).to.equal(false);
      }
    });

    it('refuses a malformed deadline loudly', () => {
      expect(() => needsAnswerAllowed('15/03/2026', new Date())).to.throw(RangeError);
    });
  });

  it('keeps categories in the documented order', () => {
    expect([...CATEGORIES]).to.deep.equal(['goods', 'services', 'works']);
  });
});
