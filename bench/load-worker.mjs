// Runs autocannon in its own thread, so the load generator does not share the app's event loop.
// Plain JavaScript: worker threads do not go through the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, connections, duration, headers } = workerData;
const times = [];
let non2xx = 0;
// Inside a worker thread autocannon returns raw histograms instead of its summary, so the counts
// are taken from the responses themselves.
const instance = autocannon({ url, connections, duration, headers }, (err, result) => {
  if (err) throw err;
  parentPort.postMessage({ times, requests: times.length, reqPerSec: times.length / duration, errors: Number(result.errors) || 0, non2xx });
});
instance.on('response', (_client, status, _bytes, responseTime) => {
  times.push(responseTime);
  if (status < 200 || status > 299) non2xx++;
});
