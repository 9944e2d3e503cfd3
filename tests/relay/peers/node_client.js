// WebSocket client (node-ws). Usage: node_client.js URL [PROXY_PORT]
// With a proxy port it tunnels through CONNECT via an http.Agent.
// Sends three messages, checks the echoes, closes with 1000, prints 'ok'.
const http = require('http');
const net = require('net');
const WebSocket = require('ws');

const [url, proxyPort] = process.argv.slice(2);
const options = { perMessageDeflate: { threshold: 0 } };
if (proxyPort) {
  class ConnectAgent extends http.Agent {
    createConnection(opts, callback) {
      const target = `${opts.host}:${opts.port}`;
      const socket = net.connect(Number(proxyPort), '127.0.0.1');
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
      let head = '';
      const onData = (chunk) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.removeListener('data', onData);
        if (!head.startsWith('HTTP/1.1 200')) return callback(new Error('proxy refused: ' + head));
        callback(null, socket);
      };
      socket.on('data', onData);
      socket.on('error', (e) => callback(e));
    }
  }
  options.agent = new ConnectAgent();
}
const messages = ['hello from node', 'compressible '.repeat(200), Buffer.from([0, 1, 2, 255])];
const ws = new WebSocket(url, options);
let i = 0;
const timer = setTimeout(() => { console.error('timeout'); process.exit(2); }, 15000);
ws.on('open', () => {
  console.log('extensions:', ws.extensions);
  ws.send(messages[0]);
});
ws.on('message', (data, isBinary) => {
  const expected = messages[i];
  const got = isBinary ? data : data.toString();
  const same = Buffer.isBuffer(expected) ? Buffer.compare(expected, got) === 0 : expected === got;
  if (!same) { console.error('bad echo'); process.exit(1); }
  if (++i < messages.length) ws.send(messages[i]);
  else ws.close(1000, 'node done');
});
ws.on('close', (code) => {
  clearTimeout(timer);
  if (i === messages.length && code === 1000) { console.log('ok'); process.exit(0); }
  console.error('closed early', code); process.exit(1);
});
ws.on('error', (e) => { console.error('error', e.message); process.exit(1); });
