// Echo server on Debian's node-ws for interop tests (NODE_PATH=/usr/share/nodejs).
// Prints "listening on 127.0.0.1:PORT". Text "close:CODE" closes with CODE;
// text "ping-me" pings the client and answers "got pong" or "no pong".
// Options: --no-deflate.
const WebSocket = require('ws');

const wss = new WebSocket.Server({
  host: '127.0.0.1',
  port: 0,
  maxPayload: 64 * 1024 * 1024,
  perMessageDeflate: !process.argv.includes('--no-deflate'),
  handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
});
wss.on('listening', () => console.log(`listening on 127.0.0.1:${wss.address().port}`));
wss.on('connection', (ws) => {
  ws.on('error', () => {}); // malformed frames from the test client: ws closes with 1002/1007 itself
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString();
    if (text !== null && text.startsWith('close:')) {
      ws.close(parseInt(text.slice(6), 10), 'requested');
    } else if (text === 'ping-me') {
      const timer = setTimeout(() => ws.send('no pong'), 1000);
      ws.once('pong', () => { clearTimeout(timer); ws.send('got pong'); });
      ws.ping('abc');
    } else {
      ws.send(data, { binary: isBinary });
    }
  });
});
