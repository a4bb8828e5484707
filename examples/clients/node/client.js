#!/usr/bin/env node
// An AiTrading strategy client in Node.js. It loads the gateway's protos at run time (no generated code), sends the
// bearer token as "authorization" metadata on every call, submits a strategy spec, lists the strategies, streams a
// few live quotes, then follows the strategy's events while it stops it, so it leaves nothing running.
//
//   AITRADING_TOKEN=$(aitrading token --role trader --account DEMO --no-save) node client.js
//
// Settings: AITRADING_ADDRESS (host:port of the gateway's gRPC port, default 127.0.0.1:8001), AITRADING_TOKEN (required),
// AITRADING_PROTOS (the folder of the .proto files, default the repository's src/AiTrading.Client/Protos).
// Options: --spec FILE (default examples/strategies/ema-trend-eurusd.json), --id ID (submit the spec under another id),
// --symbol SYMBOL (quotes of, default the spec's first instrument), --quotes N (default 5).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEADLINE_MS = 30_000;

function options(argv) {
  const parsed = {
    spec: path.join(__dirname, '..', '..', 'strategies', 'ema-trend-eurusd.json'),
    id: null,
    symbol: null,
    quotes: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[++i];
    if (!(name in parsed) || value === undefined) throw new Error(`usage: node client.js [--spec FILE] [--id ID] [--symbol SYMBOL] [--quotes N] (got ${argv[i - 1]})`);
    parsed[name] = name === 'quotes' ? Number.parseInt(value, 10) : value;
  }
  if (!Number.isInteger(parsed.quotes) || parsed.quotes < 0) throw new Error('--quotes must be a whole number of 0 or more');
  return parsed;
}

// Spec files are JSON with // and /* */ comments (as the gateway reads them); JSON.parse takes none.
function withoutComments(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) throw new Error('unterminated /* comment');
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function load(protos) {
  const definition = protoLoader.loadSync(['strategies.proto', 'marketdata.proto'], {
    includeDirs: [protos],
    keepCase: false, // fields in lowerCamelCase, as in the spec files
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).aitrading.v1;
}

// Unary calls as promises, each with a deadline.
function call(client, method, request, metadata) {
  return new Promise((resolve, reject) =>
    client[method](request, metadata, { deadline: Date.now() + DEADLINE_MS }, (error, reply) => (error ? reject(error) : resolve(reply))));
}

function time(timestamp) {
  return timestamp ? new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6)).toISOString() : '-';
}

async function quotes(marketData, symbol, count, metadata) {
  if (count === 0) return;
  await new Promise((resolve, reject) => {
    const stream = marketData.Subscribe({ symbols: [symbol] }, metadata);
    let seen = 0;
    stream.on('data', (q) => {
      console.log(`quote ${q.symbol} bid ${q.bid} ask ${q.ask} at ${time(q.time)}`);
      if (++seen === count) stream.cancel();
    });
    stream.on('error', (error) => (error.code === grpc.status.CANCELLED && seen === count ? resolve() : reject(error)));
    stream.on('end', resolve);
  });
}

// Follows the strategy's events and, once the gateway has subscribed (the stream's headers), stops the strategy;
// ends at its "stopped" lifecycle event.
async function stopWhileFollowing(strategies, id, metadata) {
  let stopped = Promise.resolve();
  await new Promise((resolve, reject) => {
    const events = strategies.StreamEvents({ id }, metadata);
    let done = false;
    events.on('metadata', () => {
      stopped = call(strategies, 'Stop', { id }, metadata).then((r) => console.log(`stop: ${r.id} ${r.state}`));
      stopped.catch((error) => { events.cancel(); reject(error); });
    });
    events.on('data', (e) => {
      console.log(`event #${e.sequence} ${e.kind} ${e.symbol || '-'} ${e.message}`);
      if (e.kind === 'lifecycle' && e.message.startsWith('stopped')) {
        done = true;
        events.cancel();
      }
    });
    events.on('error', (error) => (error.code === grpc.status.CANCELLED && done ? resolve() : reject(error)));
    events.on('end', resolve);
  });
  await stopped; // the Stop reply races the "stopped" event: both are printed before the example goes on
}

async function main() {
  const settings = options(process.argv.slice(2));
  const token = process.env.AITRADING_TOKEN;
  if (!token) throw new Error('AITRADING_TOKEN is not set: mint one with `aitrading token --role trader --account DEMO --no-save`');
  const address = process.env.AITRADING_ADDRESS || '127.0.0.1:8001';
  const api = load(process.env.AITRADING_PROTOS || path.join(__dirname, '..', '..', '..', 'src', 'AiTrading.Client', 'Protos'));

  // The gateway's gRPC port is cleartext HTTP/2; behind TLS use grpc.credentials.createSsl().
  const credentials = grpc.credentials.createInsecure();
  const strategies = new api.Strategies(address, credentials);
  const marketData = new api.MarketData(address, credentials);
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);

  try {
    const spec = JSON.parse(withoutComments(fs.readFileSync(settings.spec, 'utf8')));
    if (settings.id) spec.id = settings.id;
    // proto-loader turns numbers into the strings the protos carry decimals as ("maxQuantity": 500000).
    const submitted = await call(strategies, 'Submit', spec, metadata);
    console.log(`submitted ${submitted.id} v${submitted.version} ${submitted.state}${submitted.duplicate ? ' (already submitted)' : ''}`);

    const list = await call(strategies, 'List', {}, metadata);
    for (const s of list.strategies) console.log(`strategy ${s.id} v${s.version} ${s.state} bars ${s.barsSeen} signals ${s.signals}`);

    await quotes(marketData, settings.symbol || spec.instruments[0], settings.quotes, metadata);
    await stopWhileFollowing(strategies, submitted.id, metadata);
  } finally {
    strategies.close();
    marketData.close();
  }
}

main().catch((error) => {
  if (error.code !== undefined && error.details !== undefined) {
    const name = Object.keys(grpc.status).find((key) => grpc.status[key] === error.code);
    const hint = error.code === grpc.status.UNAUTHENTICATED ? ' (get a token with `aitrading token --role trader --account DEMO`)' : '';
    console.error(`error: ${name}: ${error.details}${hint}`);
  } else {
    console.error(`error: ${error.message}`);
  }
  process.exitCode = 2;
});
