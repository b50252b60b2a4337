// Formatting of dates (Europe/Rome), numbers and sizes the Italian way: one copy for views, mails and CSVs.
const dateFormat = new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Rome' });
const dateTimeFormat = new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome' });
const numberFormat = new Intl.NumberFormat('it-IT');

export const formatters = {
  date: (d: Date | string | null | undefined) => (d ? dateFormat.format(typeof d === 'string' ? new Date(`${d.slice(0, 10)}T12:00:00Z`) : d) : ''),
  dateTime: (d: Date | string | null | undefined) => (d ? dateTimeFormat.format(typeof d === 'string' ? new Date(d) : d) : ''),
  number: (n: number | null | undefined) => (n == null ? '' : numberFormat.format(n)),
  bytes: (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`),
};
