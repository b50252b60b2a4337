// npm run bench -- calendar: the business calendar and the SLA clocks, pure CPU (no database).
// Prints how long thousands of due dates and SLA evaluations take; the unit tests check only results.
import { computeSla } from '../src/modules/desk/sla.js';
import { DEFAULT_SLA_TARGETS } from '../src/modules/desk/states.js';
import { createBusinessCalendar } from '../src/platform/calendar.js';

function time(label: string, n: number, fn: (i: number) => void): void {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) fn(i);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${label}: ${n} in ${ms.toFixed(1)} ms (${((ms * 1000) / n).toFixed(1)} µs each)`);
}

export async function run(): Promise<void> {
  const calendar = createBusinessCalendar();
  time('addBusinessMinutes', 5000, (i) => {
    calendar.addBusinessMinutes(new Date(`2026-01-0${(i % 9) + 1}T0${i % 10}:00:00Z`), 2400 + (i % 480));
  });
  time('computeSla', 3000, (i) => {
    const createdAt = new Date(Date.UTC(2026, 0, 5) + i * 3_600_000);
    computeSla({
      createdAt,
      history: [
        { at: new Date(createdAt.getTime() + 3_600_000), state: 'in_progress' },
        { at: new Date(createdAt.getTime() + 86_400_000), state: 'waiting' },
        { at: new Date(createdAt.getTime() + 3 * 86_400_000), state: 'in_progress' },
      ],
      firstResponseAt: new Date(createdAt.getTime() + 7_200_000),
      targets: DEFAULT_SLA_TARGETS.legal,
      now: new Date(Date.UTC(2026, 6, 1)),
      calendar,
    });
  });
}
