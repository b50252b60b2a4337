// The pieces of `npm run bench -- real` (bench/real.ts): one data set loaded once, then sections
// that each measure their part against the hello-world baseline of the same run and say, per
// figure, the target and whether it was met.
import type { Measurement, Scratch } from '../lib.js';

/** What the driver loaded before the sections run (10,000 assets, 2,000 bodies, 5,000 dossiers, requesters). */
export type RealData = {
  bodyIds: number[];
  /** One member per body, aligned with bodyIds: richiedente.<bodyId>@bench.cithub.example, password the demo one (cithub-demo). */
  requesterIds: number[];
  staffIds: number[];
  popularSlug: string;
};

export type RealContext = {
  scratch: Scratch;
  data: RealData;
  /** Seconds per measurement and connections (32 unless the command line says otherwise). */
  duration: number;
  connections: number;
  helloUrl: string;
  /** The baseline measured at the start of the run; a section may measure helloUrl again next to its own figures. */
  hello: Measurement;
  /**
   * The desk requests: the driver loads the first 1,000 of 100,000; the desk section measures, calls
   * grow(100_000) and measures again; the driver then grows to 100,000 anyway, so later sections see
   * the full set. bodyIds[0] is the especially active body (a twentieth of all requests), so its
   * requester's list is a full page at both sizes.
   */
  desk: { total: number; generated: () => number; grow: (to: number) => Promise<void> };
};

export type RealRow = {
  section: string;
  figure: string;
  /** The measured value, formatted with its unit (e.g. "412 req/s", "38 ms", "212 MB"). */
  value: string;
  /** Ratio to hello-world's req/s where the target is a ratio, else "". */
  ratio: string;
  /** The target in words, e.g. "≥ 0.10 e p99 ≤ 5 × hello". */
  target: string;
  /** true met, false missed, null informative only. */
  ok: boolean | null;
};

export type RealSection = { name: string; run: (ctx: RealContext) => Promise<RealRow[]> };
