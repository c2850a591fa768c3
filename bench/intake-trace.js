// Preloaded into the service by bench/intake-bench.js --trace (`node --require`): counts what the
// service asks of SQLite and Redis, so a run can say how many statements and Redis commands each
// mail costs and how long SQLite spent on them. Diagnostic only: the wrappers cost time
// themselves, so a traced run's throughput is not a benchmark figure.
//
// SQLite: every better-sqlite3 `prepare` (by SQL text) and every execution of the statement it
// returns (run / all / get / iterate), with the time spent inside better-sqlite3. kysely's SQLite
// driver prepares each query afresh, so prepares = executions unless statements are cached.
// Redis: every ioredis command by name; EVALSHA by the name of the Lua script it runs (BullMQ
// defines its scripts with `defineCommand`).
//
// `globalThis.__benchTrace()` returns a snapshot (plain JSON); bench/intake-service.js sends it
// with its CPU usage, so the benchmark can take the difference over the throughput run.
'use strict';
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');

const sql = new Map(); // normalised SQL → { prepares, prepareMs, runs, runMs }
const redis = new Map(); // command (or script) name → count
const scripts = new Map(); // sha1 of a Lua script → its name

function entry(text) {
  const key = text.replace(/\s+/g, ' ').trim();
  let e = sql.get(key);
  if (!e) sql.set(key, (e = { prepares: 0, prepareMs: 0, runs: 0, runMs: 0 }));
  return e;
}

function timed(e, fn) {
  return function (...args) {
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      e.runs += 1;
      e.runMs += performance.now() - t0;
    }
  };
}

const Database = require('better-sqlite3');
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function tracedPrepare(source, ...rest) {
  const e = entry(String(source));
  const t0 = performance.now();
  const stmt = prepare.call(this, source, ...rest);
  e.prepares += 1;
  e.prepareMs += performance.now() - t0;
  for (const name of ['run', 'all', 'get', 'iterate']) {
    // Own properties shadow the prototype's methods for this statement only.
    Object.defineProperty(stmt, name, { value: timed(e, stmt[name]), configurable: true });
  }
  return stmt;
};

const Redis = require('ioredis');
const defineCommand = Redis.prototype.defineCommand;
Redis.prototype.defineCommand = function tracedDefine(name, definition) {
  if (definition && typeof definition.lua === 'string') {
    scripts.set(crypto.createHash('sha1').update(definition.lua).digest('hex'), name);
  }
  return defineCommand.call(this, name, definition);
};
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function tracedSend(command, ...rest) {
  let name = command && command.name;
  if (name === 'evalsha' || name === 'eval') {
    const first = command.args && command.args[0];
    const sha =
      name === 'eval'
        ? crypto
            .createHash('sha1')
            .update(String(first ?? ''))
            .digest('hex')
        : String(first ?? '');
    name = `${name} ${scripts.get(sha) ?? sha.slice(0, 8)}`;
  }
  redis.set(name, (redis.get(name) || 0) + 1);
  return sendCommand.call(this, command, ...rest);
};

globalThis.__benchTrace = () => ({
  sql: Object.fromEntries([...sql].map(([k, v]) => [k, { ...v }])),
  redis: Object.fromEntries(redis),
});
