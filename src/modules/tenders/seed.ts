// Demo dossiers: a cloud-migration tender for eight comuni of the Provincia di Lecce, in needs
// collection, and an awarded website-redesign tender with lots. Dates are relative to the day the
// demo is loaded, so the deadlines stay in the future on a fresh instance.
import type { Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { msg, type Message } from '../../platform/messages.js';
import { findPersonByEmail } from '../accounts/index.js';
import { bodiesByIpa, type Body } from '../entities/index.js';
import { addDays, formatDay, todayInRome } from './dates.js';
import { demoP7m, demoPdf } from './demo-files.js';
import {
  DocumentVersion,
  Dossier,
  Lot,
  Milestone,
  NeedsAnswer,
  NeedsAnswerLine,
  NeedsCall,
  NeedsInvitation,
  NeedsItem,
  Participant,
  TenderDocument,
  TenderEvent,
} from './models.js';
import { money } from './messages.js';
import type { DocumentType, DocumentVisibility } from './procurement.js';

export const DEMO_CLOUD_TITLE = 'Migrazione al cloud qualificato dei servizi dei comuni del Salento';
export const DEMO_WEB_TITLE = 'Rifacimento dei siti web istituzionali secondo il modello Comuni di Designers Italia';
export const DEMO_CLOUD_COMUNI = ['c_d862', 'c_g188', 'c_c336', 'c_i887', 'c_e815', 'c_f101', 'c_b413', 'c_e979'];

const at = (day: string, time = '10:00') => new Date(`${day}T${time}:00+01:00`);

type Ctx = { platform: Platform; transaction: Transaction; staffId: number; adminId: number; staffName: string; adminName: string };

async function document(
  ctx: Ctx,
  dossierId: number,
  spec: { type: DocumentType; title: string; lotId?: number | null; versions: Array<{ visibility: DocumentVisibility; day: string; lines: string[]; note?: string; by?: 'staff' | 'admin'; name?: string }> },
): Promise<void> {
  const doc = await TenderDocument.create({ dossierId, lotId: spec.lotId ?? null, type: spec.type, title: spec.title, createdBy: ctx.staffId }, { transaction: ctx.transaction });
  let n = 0;
  for (const v of spec.versions) {
    n++;
    const by = v.by === 'admin' ? ctx.adminId : ctx.staffId;
    const buffer = demoPdf(`${spec.title}${spec.versions.length > 1 ? ` (versione ${n})` : ''}`, v.lines);
    const stored = await ctx.platform.files.save({ buffer, originalName: v.name ?? `${spec.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-v${n}.pdf`, uploadedBy: by }, ctx.transaction);
    await DocumentVersion.create(
      { documentId: doc.id, version: n, visibility: v.visibility, fileId: stored.id, sha256: stored.sha256, size: stored.size, mime: stored.mime, originalName: stored.originalName, note: v.note ?? null, uploadedBy: by, uploadedAt: at(v.day, '11:30') },
      { transaction: ctx.transaction },
    );
    await event(
      ctx,
      dossierId,
      v.day,
      n === 1 ? 'document-added' : 'document-version',
      n === 1
        ? msg('tenders:event.documentAdded', { title: spec.title, type: msg(`tenders:documentType.${spec.type}`), visibility: msg(`tenders:visibilityInline.${v.visibility}`), sha: stored.sha256.slice(0, 12) })
        : msg('tenders:event.documentVersion', { version: n, title: spec.title, visibility: msg(`tenders:visibilityInline.${v.visibility}`), sha: stored.sha256.slice(0, 12) }),
    );
  }
}

/** A past change in the history; `summary` is a Message, as the service writes it. */
async function event(ctx: Ctx, dossierId: number, day: string, kind: string, summary: Message, time = '11:30'): Promise<void> {
  await TenderEvent.create({ dossierId, at: at(day, time), actorUserId: ctx.staffId, actorName: ctx.staffName, kind, summary, details: {} }, { transaction: ctx.transaction });
}

export async function seedTenders(platform: Platform): Promise<void> {
  if ((await Dossier.count()) > 0) return;
  const staff = await findPersonByEmail('staff@cithub.example');
  const admin = await findPersonByEmail('admin@cithub.example');
  if (!staff || !admin) return;
  const byIpa = await bodiesByIpa();
  const today = todayInRome();

  await platform.sequelize.transaction(async (transaction) => {
    const ctx: Ctx = { platform, transaction, staffId: staff.id, adminId: admin.id, staffName: staff.name, adminName: admin.name };

    // ---- 1. Cloud migration, in needs collection ----
    const created = addDays(today, -12);
    const cloud = await Dossier.create(
      {
        title: DEMO_CLOUD_TITLE,
        object:
          'Servizi di migrazione, gestione e conservazione in infrastrutture e servizi cloud qualificati ACN dei servizi applicativi ' +
          '(protocollo, anagrafe, tributi, atti amministrativi, sito e servizi online) di otto comuni della Provincia di Lecce, ' +
          'secondo la strategia Cloud Italia e l’Avviso PNRR Misura 1.2.',
        category: 'services',
        cpv: '72222300-0',
        procedure: 'procedura_aperta',
        estimatedValueCents: 118_000_000,
        rupUserId: staff.id,
        funding: 'pnrr',
        pnrrMeasure: '1.2',
        fundingNote: 'Avviso Misura 1.2 "Abilitazione al cloud per le PA locali" Comuni (Aprile 2022), quote assegnate ai comuni aderenti.',
        cup: 'E81C24000230006',
        phase: 'needs_collection',
        phaseChangedAt: at(created),
        isPublic: true,
        cancelledReason: null,
        awardSupplierName: null,
        awardSupplierFiscalCode: null,
        awardValueCents: null,
        awardDate: null,
        contractValueCents: null,
        contractSignedOn: null,
        createdBy: staff.id,
      },
      { transaction },
    );
    await event(ctx, cloud.id, created, 'dossier-created', msg('tenders:event.dossierCreated', { phase: msg('tenders:phase.needs_collection') }), '09:15');
    const cloudLots = [
      await Lot.create({ dossierId: cloud.id, number: 1, title: 'Migrazione e gestione su infrastruttura cloud qualificata (IaaS/PaaS)', description: 'Assessment, migrazione e gestione per 36 mesi dei servizi installati presso i comuni.', cig: null, valueCents: 72_000_000, status: 'planned', cancelledReason: null }, { transaction }),
      await Lot.create({ dossierId: cloud.id, number: 2, title: 'Servizi applicativi in modalità SaaS qualificati ACN', description: 'Abbonamenti SaaS per protocollo, atti e tributi con migrazione dei dati storici.', cig: null, valueCents: 46_000_000, status: 'planned', cancelledReason: null }, { transaction }),
    ];
    for (const l of cloudLots) await event(ctx, cloud.id, created, 'lot-added', msg('tenders:event.lotAdded', { number: l.number, title: l.title, value: money(l.valueCents) }), '09:30');
    const deadline = addDays(today, 21);
    const milestones: Array<[Milestone['kind'], string, string, string | null, number]> = [
      ['needs_deadline', 'Scadenza raccolta fabbisogni', deadline, null, staff.id],
      ['publication', 'Pubblicazione del bando', addDays(today, 60), null, staff.id],
      ['offers_deadline', 'Scadenza presentazione offerte', addDays(today, 95), '12:00', admin.id],
      ['award', 'Aggiudicazione prevista', addDays(today, 130), null, staff.id],
      ['contract_signature', 'Stipula del contratto', addDays(today, 170), null, staff.id],
    ];
    for (const [kind, title, dueOn, dueTime, owner] of milestones) {
      await Milestone.create({ dossierId: cloud.id, kind, title, dueOn, dueTime, ownerUserId: owner, note: null, doneAt: null, reminderSentAt: null }, { transaction });
    }
    await event(ctx, cloud.id, created, 'milestone-added', msg('tenders:event.timetableAdded', { count: 5 }), '09:45');

    const call = await NeedsCall.create({ dossierId: cloud.id, deadlineOn: deadline, instructions: 'Indica i servizi che il tuo ente intende migrare, gli utenti interni che li usano, lo spazio documentale da conservare e la quota del finanziamento PNRR 1.2 che destina alla gara. Per dubbi scrivi a cit@comune.lecce.it.', openedBy: staff.id, openedAt: at(addDays(today, -10)), closedAt: null }, { transaction });
    const items = [
      await NeedsItem.create({ callId: call.id, position: 1, label: 'Servizi applicativi da migrare', unit: 'servizi', measure: 'quantity', description: 'Es. protocollo, anagrafe, tributi, atti, sito.' }, { transaction }),
      await NeedsItem.create({ callId: call.id, position: 2, label: 'Utenti interni dei servizi', unit: 'utenti', measure: 'quantity', description: null }, { transaction }),
      await NeedsItem.create({ callId: call.id, position: 3, label: 'Archivio documentale da conservare', unit: 'GB', measure: 'quantity', description: null }, { transaction }),
      await NeedsItem.create({ callId: call.id, position: 4, label: 'Quota PNRR 1.2 destinata alla gara', unit: null, measure: 'amount', description: 'Importo in euro, IVA inclusa.' }, { transaction }),
    ];
    const invited = DEMO_CLOUD_COMUNI.map((ipa) => byIpa.get(ipa)).filter((e): e is Body => !!e);
    for (const e of invited) {
      await NeedsInvitation.create({ callId: call.id, entityId: e.id, invitedAt: at(addDays(today, -10)), reminderSentAt: null }, { transaction });
    }
    const answers: Record<string, [number, number, number, number, string | null]> = {
      c_d862: [9, 140, 1800, 14_730_000, 'Priorità a protocollo e tributi; il sito è già in cloud.'],
      c_e815: [7, 85, 950, 12_120_000, null],
      c_b413: [5, 32, 400, 7_790_000, 'Serve supporto per la migrazione dei dati storici dell’anagrafe.'],
    };
    for (const e of invited) {
      const a = answers[e.ipaCode];
      await Participant.create({ dossierId: cloud.id, entityId: e.id, status: a ? 'interested' : 'invited', shareCents: null, adhesionFileId: null, adhesionUploadedAt: null, adhesionUploadedBy: null, note: null }, { transaction });
      if (!a) continue;
      const answer = await NeedsAnswer.create({ callId: call.id, entityId: e.id, notes: a[4], answeredBy: null, answeredAt: at(addDays(today, -5)) }, { transaction });
      await NeedsAnswerLine.bulkCreate(
        items.map((it, i) => ({ answerId: answer.id, itemId: it.id, quantity: it.measure === 'quantity' ? (a[i] as number) : null, amountCents: it.measure === 'amount' ? (a[i] as number) : null })),
        { transaction },
      );
      await TenderEvent.create({ dossierId: cloud.id, at: at(addDays(today, -5), '16:00'), actorUserId: null, actorName: e.name, kind: 'needs-answered', summary: msg('tenders:event.needsAnswered', { name: e.name, lines: '' }), details: {} }, { transaction });
    }
    await event(ctx, cloud.id, addDays(today, -10), 'needs-opened', msg('tenders:event.needsOpened', { deadline: formatDay(call.deadlineOn), invited: invited.length, items: 4 }), '10:00');
    await document(ctx, cloud.id, { type: 'altro', title: 'Avviso ai comuni per la raccolta dei fabbisogni', versions: [{ visibility: 'participants', day: addDays(today, -10), lines: ['Il centro raccoglie i fabbisogni dei comuni aderenti per una gara aggregata', 'di migrazione al cloud qualificato (PNRR Misura 1.2).'] }] });
    await document(ctx, cloud.id, { type: 'altro', title: 'Nota istruttoria del RUP sulla stima dei costi', versions: [{ visibility: 'staff', day: addDays(today, -11), lines: ['Documento interno: stima dei costi unitari di migrazione per servizio.', 'Non divulgare agli enti.'] }] });

    // ---- 2. Website redesign, awarded ----
    const start = addDays(today, -150);
    const web = await Dossier.create(
      {
        title: DEMO_WEB_TITLE,
        object:
          'Progettazione e realizzazione dei nuovi siti web istituzionali conformi al modello Comuni di Designers Italia e alle Linee guida ' +
          'AgID di design, con migrazione dei contenuti, accessibilità WCAG 2.1 AA e formazione dei redattori (PNRR Misura 1.4.1).',
        category: 'services',
        cpv: '72413000-8',
        procedure: 'procedura_negoziata',
        estimatedValueCents: 19_800_000,
        rupUserId: staff.id,
        funding: 'pnrr',
        pnrrMeasure: '1.4.1',
        fundingNote: 'Avviso Misura 1.4.1 "Esperienza del cittadino nei servizi pubblici" Comuni, pacchetto cittadino informato.',
        cup: 'B31F23000410006',
        phase: 'awarded',
        phaseChangedAt: at(addDays(today, -20)),
        isPublic: true,
        cancelledReason: null,
        awardSupplierName: 'Salento Digital Lab S.r.l.',
        awardSupplierFiscalCode: '04871230752',
        awardValueCents: 14_616_000,
        awardDate: addDays(today, -20),
        contractValueCents: null,
        contractSignedOn: null,
        createdBy: staff.id,
      },
      { transaction },
    );
    await event(ctx, web.id, start, 'dossier-created', msg('tenders:event.dossierCreated', { phase: msg('tenders:phase.needs_collection') }), '09:00');
    for (const lot of [
      await Lot.create({ dossierId: web.id, number: 1, title: 'Comuni oltre 10.000 abitanti', description: null, cig: 'B8D3F1A2C4', valueCents: 9_600_000, status: 'awarded', cancelledReason: null }, { transaction }),
      await Lot.create({ dossierId: web.id, number: 2, title: 'Comuni fino a 10.000 abitanti', description: null, cig: 'B8D3F1A2C5', valueCents: 7_200_000, status: 'awarded', cancelledReason: null }, { transaction }),
      await Lot.create({ dossierId: web.id, number: 3, title: 'Formazione dei redattori e accompagnamento', description: 'Nessuna offerta valida pervenuta.', cig: 'B8D3F1A2C6', valueCents: 3_000_000, status: 'deserted', cancelledReason: null }, { transaction }),
    ]) {
      await event(ctx, web.id, addDays(today, -110), 'lot-added', msg('tenders:event.lotAddedCig', { number: lot.number, title: lot.title, value: money(lot.valueCents), cig: lot.cig }), '10:00');
    }
    const webMilestones: Array<[Milestone['kind'], string, string, string | null, Date | null]> = [
      ['needs_deadline', 'Scadenza raccolta fabbisogni', addDays(today, -130), null, at(addDays(today, -120))],
      ['publication', "Invio della lettera d'invito", addDays(today, -100), null, at(addDays(today, -100))],
      ['offers_deadline', 'Scadenza presentazione offerte', addDays(today, -70), '12:00', at(addDays(today, -69))],
      ['award', 'Aggiudicazione', addDays(today, -20), null, at(addDays(today, -20))],
      ['contract_signature', 'Stipula del contratto', addDays(today, 25), null, null],
    ];
    for (const [kind, title, dueOn, dueTime, doneAt] of webMilestones) {
      await Milestone.create({ dossierId: web.id, kind, title, dueOn, dueTime, ownerUserId: staff.id, note: kind === 'contract_signature' ? "Entro 60 giorni dall'aggiudicazione (art. 18 D.Lgs. 36/2023)." : null, doneAt, reminderSentAt: null }, { transaction });
    }
    const joined: Array<[string, number, boolean]> = [
      ['c_h642', 2_400_000, true],
      ['c_g942', 3_800_000, true],
      ['c_a509', 3_600_000, true],
      ['c_m403', 4_000_000, true],
      ['c_i800', 1_200_000, true],
      ['c_a185', 1_200_000, true],
      ['c_g378', 600_000, false],
    ];
    for (const [ipa, share, signed] of joined) {
      const e = byIpa.get(ipa);
      if (!e) continue;
      let fileId: string | null = null;
      if (signed) {
        const p7m = demoP7m(demoPdf(`Adesione alla gara aggregata - ${e.name}`, [`Il ${e.name} aderisce alla procedura "${DEMO_WEB_TITLE}".`, `Quota di partecipazione: EUR ${(share / 100).toLocaleString('it-IT')}.`]));
        fileId = (await platform.files.save({ buffer: p7m, originalName: `adesione-${ipa}.pdf.p7m`, uploadedBy: staff.id }, transaction)).id;
      }
      await Participant.create({ dossierId: web.id, entityId: e.id, status: 'joined', shareCents: share, adhesionFileId: fileId, adhesionUploadedAt: signed ? at(addDays(today, -125)) : null, adhesionUploadedBy: signed ? staff.id : null, note: signed ? null : 'Adesione firmata da caricare.' }, { transaction });
    }
    await event(ctx, web.id, addDays(today, -125), 'participant-added', msg('tenders:event.participantsJoined', { count: joined.length }), '15:00');
    await document(ctx, web.id, { type: 'determina_a_contrarre', title: 'Determina a contrarre n. 214/2025', versions: [{ visibility: 'public', day: addDays(today, -105), lines: ['Decisione di contrarre ai sensi dell\'art. 17 D.Lgs. 36/2023.', 'Procedura negoziata senza bando, art. 50 c. 1 lett. e.'] }] });
    await document(ctx, web.id, {
      type: 'capitolato',
      title: 'Capitolato tecnico',
      versions: [
        { visibility: 'staff', day: addDays(today, -112), lines: ['Bozza per la revisione interna.'], note: 'Bozza interna' },
        { visibility: 'public', day: addDays(today, -101), lines: ['Versione definitiva approvata con la determina a contrarre.'], note: 'Versione approvata' },
      ],
    });
    await document(ctx, web.id, { type: 'bando_lettera_invito', title: "Lettera d'invito agli operatori economici", versions: [{ visibility: 'participants', day: addDays(today, -100), lines: ['Invito a presentare offerta a 5 operatori economici.'] }] });
    await document(ctx, web.id, { type: 'disciplinare', title: 'Disciplinare di gara', versions: [{ visibility: 'public', day: addDays(today, -100), lines: ['Criterio: offerta economicamente più vantaggiosa.'] }] });
    await document(ctx, web.id, { type: 'chiarimenti', title: 'Risposte ai quesiti degli enti', versions: [{ visibility: 'participants', day: addDays(today, -85), lines: ['Quesito 1: migrazione dei contenuti storici. Risposta: inclusa.'] }] });
    await document(ctx, web.id, { type: 'verbale', title: 'Verbale riservato della commissione giudicatrice', versions: [{ visibility: 'staff', day: addDays(today, -40), lines: ['Sedute riservate di valutazione delle offerte tecniche.'] }] });
    await document(ctx, web.id, { type: 'proposta_aggiudicazione', title: 'Proposta di aggiudicazione', versions: [{ visibility: 'staff', day: addDays(today, -30), lines: ['Proposta del RUP.'] }] });
    await document(ctx, web.id, { type: 'provvedimento_aggiudicazione', title: 'Provvedimento di aggiudicazione n. 38/2026', lotId: null, versions: [{ visibility: 'public', day: addDays(today, -20), lines: ['Aggiudicazione dei lotti 1 e 2 a Salento Digital Lab S.r.l.', 'Lotto 3 deserto.'] }] });
    await event(ctx, web.id, addDays(today, -100), 'phase-changed', msg('tenders:event.phaseChanged', { from: msg('tenders:phase.preparation'), to: msg('tenders:phase.published') }), '12:00');
    await event(ctx, web.id, addDays(today, -69), 'phase-changed', msg('tenders:event.phaseChanged', { from: msg('tenders:phase.published'), to: msg('tenders:phase.evaluation') }), '12:05');
    await event(ctx, web.id, addDays(today, -20), 'award-saved', msg('tenders:event.awardSaved', { supplier: 'Salento Digital Lab S.r.l.', value: msg('tenders:event.awardValue', { value: money(14_616_000) }), contract: '' }), '12:30');
    await event(ctx, web.id, addDays(today, -20), 'phase-changed', msg('tenders:event.phaseChanged', { from: msg('tenders:phase.evaluation'), to: msg('tenders:phase.awarded') }), '12:40');
  });
}
