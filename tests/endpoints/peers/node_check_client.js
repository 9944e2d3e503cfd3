// node-ws client that checks an echo server (ours).
// Usage: node node_check_client.js URL [--deflate] [--big-mib N]; prints JSON results, exit 0 when all passed.
const WebSocket = require('ws');

const url = process.argv[2];
const deflate = process.argv.includes('--deflate');
const results = {};
const bigIndex = process.argv.indexOf('--big-mib');
const big = Buffer.alloc((bigIndex > 0 ? parseInt(process.argv[bigIndex + 1], 10) : 16) * 1024 * 1024);
for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
const checks = [
  ['text', 'hello \u03ba\u1f79\u03c3\u03bc\u03b5', false],
  ['empty', '', false],
  ['binary', Buffer.from([...Array(256).keys()]), true],
  ['big', big, true],
];

const ws = new WebSocket(url, ['chat'], { perMessageDeflate: deflate, maxPayload: 64 * 1024 * 1024 });
const timer = setTimeout(() => { console.log(JSON.stringify(results)); process.exit(3); }, 25000);
let index = 0;
function next() {
  if (index < checks.length) {
    const [, payload, binary] = checks[index];
    ws.send(payload, { binary });
  } else {
    ws.ping('xyz');
  }
}
ws.on('open', () => {
  results.subprotocol = ws.protocol;
  results.extensions = ws.extensions || '';
  next();
});
ws.on('message', (data, isBinary) => {
  const [name, payload, binary] = checks[index];
  const same = binary ? (isBinary && Buffer.compare(data, payload) === 0) : (!isBinary && data.toString() === payload);
  results[name] = same;
  index++;
  next();
});
ws.on('pong', () => { results.pong = true; ws.close(4001, 'bye'); });
ws.on('close', (code) => {
  clearTimeout(timer);
  results.close_code = code;
  let ok = checks.every(([name]) => results[name] === true) && results.pong === true;
  ok = ok && code === 4001 && results.subprotocol === 'chat';
  ok = ok && (results.extensions.includes('permessage-deflate') === deflate);
  console.log(JSON.stringify(results));
  process.exit(ok ? 0 : 1);
});
ws.on('error', (e) => { console.log(JSON.stringify({ error: String(e) })); process.exit(2); });
