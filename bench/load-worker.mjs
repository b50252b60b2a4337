// Runs autocannon in its own thread, so the load generator does not share the app's event loop.
// Plain JavaScript: worker threads do not go through the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, connections, duration, headers, paths, identities } = workerData;
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
const instance = autocannon({ url, connections, duration, headers, requests }, (err, result) => {
  if (err) throw err;
  parentPort.postMessage({ times, requests: times.length, reqPerSec: times.length / duration, errors: Number(result.errors) || 0, non2xx });
});
instance.on('response', (_client, status, _bytes, responseTime) => {
  times.push(responseTime);
  if (status < 200 || status > 299) non2xx++;
});
