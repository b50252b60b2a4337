// The approved minutes (verbale) as a PDF of real text: the sitting, those present, absent and
// excused, each agenda item with its summary, decisions and actions, and the approval.
import { formattersFor } from '../../platform/format.js';
import { translator, type Language } from '../../platform/i18n.js';
import type { PdfDocument } from '../../web/responders.js';
import type { MinutesContent } from './service.js';

export function writeMinutes(doc: PdfDocument, c: MinutesContent, lang: Language): void {
  const t = translator(lang);
  const fmt = formattersFor(lang);
  const heading = (text: string, size = 13) => doc.moveDown(0.6).font('Helvetica-Bold').fontSize(size).text(text).font('Helvetica').fontSize(10.5);
  const para = (text: string) => doc.text(text, { align: 'left' });

  doc.font('Helvetica-Bold').fontSize(16).text(t('groups:pdf.title', { group: c.group.name }));
  doc.font('Helvetica').fontSize(11).text(c.meeting.title);
  doc.moveDown(0.4).fontSize(10.5);
  para(t('groups:pdf.when', { start: fmt.dateTime(c.meeting.startsAt), end: fmt.dateTime(c.meeting.endsAt).slice(-5) }));
  if (c.meeting.place) para(t('groups:pdf.place', { place: c.meeting.place }));
  if (c.meeting.link) para(t('groups:pdf.link', { link: c.meeting.link }));
  para(t('groups:pdf.version', { version: c.version }));
  if (c.correctionNote) para(t('groups:pdf.correction', { note: c.correctionNote }));

  const who = (p: MinutesContent['participants'][number]) =>
    [p.name, p.body ?? p.organisation, p.guest ? t('groups:role.guest') : p.role ? t(`groups:role.${p.role}`) : null].filter(Boolean).join(' — ');
  for (const kind of ['present', 'excused', 'absent'] as const) {
    const list = c.participants.filter((p) => (p.attendance ?? 'absent') === kind);
    heading(t(`groups:pdf.${kind}`, { n: list.length }));
    if (!list.length) para(t('groups:pdf.nobody'));
    for (const p of list) para(`• ${who(p)}`);
  }
  const bodies = [...new Set(c.participants.filter((p) => p.attendance === 'present' && p.body).map((p) => p.body as string))];
  if (bodies.length) {
    heading(t('groups:pdf.bodiesPresent', { n: bodies.length }));
    para(bodies.join(', '));
  }

  heading(t('groups:pdf.agenda'), 14);
  c.items.forEach((item, n) => {
    heading(`${n + 1}. ${item.title}`, 12);
    if (item.presenter) para(t('groups:pdf.presenter', { name: item.presenter }));
    if (item.summary) doc.moveDown(0.2).text(item.summary);
    if (item.decisions.length) {
      doc.moveDown(0.3).font('Helvetica-Bold').text(t('groups:pdf.decisions')).font('Helvetica');
      for (const d of item.decisions) para(`• ${d}`);
    }
    if (item.actions.length) {
      doc.moveDown(0.3).font('Helvetica-Bold').text(t('groups:pdf.actions')).font('Helvetica');
      for (const a of item.actions) para(`• ${a.title} — ${a.owner}${a.body ? ` (${a.body})` : ''}${a.dueOn ? ` — ${t('groups:pdf.due', { date: fmt.date(a.dueOn) })}` : ''}`);
    }
  });
  if (c.notes) {
    heading(t('groups:pdf.notes'));
    para(c.notes);
  }
  heading(t('groups:pdf.approval'));
  para(
    c.approvedAt && c.approvedIn
      ? t('groups:pdf.approvedIn', { date: fmt.date(c.approvedAt), title: c.approvedIn.title, sitting: fmt.date(c.approvedIn.startsAt) })
      : t('groups:pdf.notApproved'),
  );
}
