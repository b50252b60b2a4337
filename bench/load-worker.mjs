// Runs autocannon in its own thread, so the load generator does not share the app's event loop, or
// in a child process of its own (measure's `separateProcess`), so it does not count in the app
// process's memory either. Plain JavaScript: worker threads do not go through the TypeScript loader.
import { parentPort, workerData as threadData } from 'node:worker_threads';
import autocannon from 'autocannon';

// A child process gets its settings as its first message (thousands of paths do not fit in the environment).
const workerData = threadData ?? (await new Promise((resolve) => process.once('message', resolve)));
const send = parentPort ? (message) => parentPort.postMessage(message) : (message) => process.send(message, () => process.exit(0));
const { url, connections, duration, headers, paths, identities, method, body } = workerData;
const times = [];
let non2xx = 0;
// Distinct URLs (paths, taken in turn across all connections) and per-connection identities
// (headers such as a session cookie, one set per connection, in turn) make real traffic: no cache
// answers the same URL twice in a row, and signed-in load comes from many sessions, not one.
let nextPath = 0;
let nextIdentity = 0;
const requests =
  paths?.length || identities?.length
    ? [
        {
          setupRequest(req, context) {
            if (identities?.length) {
              if (context.identity === undefined) context.identity = identities[nextIdentity++ % identities.length];
              req.headers = { ...req.headers, ...context.identity };
            }
            if (paths?.length) req.path = paths[nextPath++ % paths.length];
            return req;
          },
        },
      ]
    : undefined;
// Inside a worker thread autocannon returns raw histograms instead of its summary, so the counts
// are taken from the responses themselves.
const instance = autocannon({ url, connections, duration, headers, requests, ...(method ? { method } : {}), ...(body !== undefined ? { body } : {}) }, (err, result) => {
  if (err) throw err;
  send({ times, requests: times.length, reqPerSec: times.length / duration, errors: Number(result.errors) || 0, non2xx });
});
instance.on('response', (_client, status, _bytes, responseTime) => {
  times.push(responseTime);
  if (status < 200 || status > 299) non2xx++;
});
