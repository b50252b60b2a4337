// Runs autocannon in its own thread, so the load generator does not share the app's event loop, or
// in a child process of its own (measure's `separateProcess`), so it does not count in the app
// process's memory either. Plain JavaScript: worker threads do not go through the TypeScript loader.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData as threadData } from 'node:worker_threads';
import autocannon from 'autocannon';

// A child process gets its settings as its first message (thousands of paths do not fit in the environment).
const workerData = threadData ?? (await new Promise((resolve) => process.once('message', resolve)));
const send = parentPort ? (message) => parentPort.postMessage(message) : (message) => process.send(message, () => process.exit(0));
const { url, connections, duration, headers, paths, identities, method, body, forms, expectStatus } = workerData;
const times = [];
let non2xx = 0;
const statuses = {};
// Distinct URLs (paths, taken in turn across all connections) and per-connection identities
// (headers such as a session cookie, one set per connection, in turn) make real traffic: no cache
// answers the same URL twice in a row, and signed-in load comes from many sessions, not one.
let nextPath = 0;
let nextIdentity = 0;
let counter = 0;
// A form submission whose body is a template: [<csrf>] becomes the connection's CSRF token
// (forms[i].csrf, aligned with identities[i]), [<uuid>] a fresh UUID (an idempotency key) and [<n>]
// a counter, so every submission is a new one; forms[i].path, when given, is where connection i
// submits (its own request). A body without these is sent as it is.
const PLACEHOLDER = /\[<(csrf|uuid|n)>\]/g;
const templated = typeof body === 'string' && (forms?.length || /\[<(csrf|uuid|n)>\]/.test(body));
const fill = (form) => body.replace(PLACEHOLDER, (_m, what) => (what === 'csrf' ? (form?.csrf ?? '') : what === 'uuid' ? randomUUID() : String(++counter)));
const requests =
  paths?.length || identities?.length || templated
    ? [
        {
          setupRequest(req, context) {
            if (context.index === undefined) context.index = identities?.length ? nextIdentity++ % identities.length : 0;
            if (identities?.length) req.headers = { ...req.headers, ...identities[context.index] };
            if (paths?.length) req.path = paths[nextPath++ % paths.length];
            const form = forms?.[context.index];
            if (form?.path) req.path = form.path;
            if (templated) req.body = fill(form);
            return req;
          },
        },
      ]
    : undefined;
const ok = (status) => (expectStatus ? status === expectStatus : status >= 200 && status <= 299);
// Inside a worker thread autocannon returns raw histograms instead of its summary, so the counts
// are taken from the responses themselves.
const instance = autocannon({ url, connections, duration, headers, requests, ...(method ? { method } : {}), ...(body !== undefined ? { body } : {}) }, (err, result) => {
  if (err) throw err;
  send({ times, requests: times.length, reqPerSec: times.length / duration, errors: Number(result.errors) || 0, non2xx, statuses });
});
instance.on('response', (_client, status, _bytes, responseTime) => {
  times.push(responseTime);
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (!ok(status)) non2xx++;
});
