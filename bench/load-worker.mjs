// Runs autocannon in its own thread, so the load generator does not share the app's event loop.
// Plain JavaScript: worker threads do not go through the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, connections, duration, headers } = workerData;
const times = [];
const instance = autocannon({ url, connections, duration, headers }, (err, result) => {
  if (err) throw err;
  parentPort.postMessage({ times, requests: result.requests.total, reqPerSec: result.requests.average, errors: result.errors, non2xx: result.non2xx });
});
instance.on('response', (_client, _status, _bytes, responseTime) => {
  times.push(responseTime);
});
