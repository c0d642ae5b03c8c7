// The load generator of bench/chat_load.py: many Socket.IO clients in one Node process.
//
//     node bench/chat_load_client.mjs config.json
//
// chat_load.py writes the config and reads this script's standard output, one line per event:
// READY (every client connected and joined), MEASURE_START / MEASURE_END (the measured window,
// after the warm-up), RESULT {json} (the counts, at the end). Progress goes to standard error.
//
// Clients send at a fixed total rate: message k is scheduled at t0 + k / rate and sent by client
// k % clients (open loop: the schedule never waits for the server, so latency is measured from
// the scheduled time, not from when a slow client got round to sending). What is counted is
// described in bench/chat_load.py.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { io } from "socket.io-client";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const now = () => performance.now();
const out = (line) => process.stdout.write(line + "\n");
const log = (...parts) => process.stderr.write(`[load] ${parts.join(" ")}\n`);
const RETRYABLE = new Set(["busy", "server_error", "rate_limited", "no_ack"]);

const stats = {
  connect_errors: 0,
  connect_error_reasons: {},
  unexpected_disconnects: 0,
  disconnect_reasons: {},
  reconnects: 0,
  join_errors: {},
  send_errors: {},
  resends: 0,
  live_duplicates: 0, // the same id twice on one connection's live stream
  overlap: 0, // an id already seen arriving again on another path (catch-up vs live): dropped
  reordered: 0, // handed to the application with an id below one it already had
  catch_up: 0, // messages first seen in a join's catch-up page
  catch_up_pages: 0,
  foreign: 0, // message events this run never sent
  presence_events: 0,
  ack_id_changed: 0, // a resend acknowledged with another message id: a duplicate stored
  stale_acks: 0,
  max_schedule_lag_ms: 0,
};

const clientsCfg = cfg.clients;
const N = clientsCfg.length;
const byClientId = new Map(); // client_id -> logical message
const byId = new Map(); // stored message id -> logical message
const knownInRoom = new Map(); // room id -> ids of its messages (acknowledged or seen by anyone)
const latencies = []; // ms from scheduled time to first arrival at another member (measured msgs)
const ackLatencies = []; // ms from scheduled time to the sender's ack (measured msgs)
let measureStart = Infinity;
let measureEnd = Infinity;
let deliveredInWindow = 0;
let acksInWindow = 0;
let stopCycles = false;
let cyclesStarted = false;
const reconnectTimes = []; // ms from a drop to being back in the room (catch-up taken)
let cpuAtStart = null;
let cpuInWindow = null;

class Client {
  constructor(index, spec) {
    this.index = index;
    this.token = spec.token;
    this.room = spec.room;
    this.url = cfg.urls[index % cfg.urls.length];
    this.socket = null;
    this.session = 0;
    this.joined = false;
    this.seen = new Set();
    this.lastId = 0; // the highest id handed to the application
    this.everJoined = false;
    this.sessionLive = new Set();
    this.buffer = null; // live events that arrive while a join is in flight
    this.pending = new Map(); // client_id -> message sent on this connection, not yet acked
    this.outbox = []; // messages to send once (re)joined
    this.ready = null;
    this.joins = []; // the last joins: {after, sent, acked, got}, to explain a loss
    this.arrivals = new Map(); // id -> [when it was handed to the application, by catch-up?]
    this.drops = []; // when connections of this client ended
    this.cycleTimer = null;
    this.droppedAt = null; // when the current reconnect began (dropped on purpose or not)
    if (!knownInRoom.has(this.room)) knownInRoom.set(this.room, new Set());
  }

  connect() {
    const session = ++this.session;
    this.joined = false;
    this.sessionLive = new Set();
    this.buffer = [];
    const socket = io(this.url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: 20000,
      auth: { token: this.token },
      // Browsers offer permessage-deflate; inflating every frame would cost the generator more
      // than everything else it does, so it is off unless --deflate asks for it.
      perMessageDeflate: cfg.deflate ? { threshold: 1024 } : false,
    });
    this.socket = socket;
    socket.on("connect", () => {
      if (session === this.session) this.join(session);
    });
    socket.on("connect_error", (err) => {
      if (session !== this.session) return;
      stats.connect_errors++;
      const reason = String(err && err.message);
      stats.connect_error_reasons[reason] = (stats.connect_error_reasons[reason] || 0) + 1;
      socket.removeAllListeners();
      socket.close();
      setTimeout(() => {
        if (session === this.session) this.connect();
      }, 250);
    });
    socket.on("disconnect", (reason) => {
      if (session !== this.session) return;
      stats.unexpected_disconnects++;
      this.droppedAt = now();
      this.drops.push(this.droppedAt);
      stats.disconnect_reasons[reason] = (stats.disconnect_reasons[reason] || 0) + 1;
      this.down();
      socket.removeAllListeners();
      setTimeout(() => {
        if (session === this.session) this.connect();
      }, 100);
    });
    socket.on("message", (payload) => {
      if (session !== this.session || !payload || payload.op !== "created") return;
      if (this.sessionLive.has(payload.id)) {
        stats.live_duplicates++;
        return;
      }
      this.sessionLive.add(payload.id);
      if (this.buffer !== null) this.buffer.push(payload);
      else this.receive(payload, false);
    });
    socket.on("presence", () => {
      stats.presence_events++;
    });
  }

  join(session) {
    const request = { room: this.room };
    if (this.everJoined) request.after = this.lastId;
    const record = { after: request.after, sent: now(), acked: null, got: null };
    this.joins.push(record);
    if (this.joins.length > 200) this.joins.shift();
    this.socket.emit("join", request, (ack) => {
      record.acked = now();
      if (ack && ack.ok) record.got = ack.messages.map((m) => m.id);
      if (session !== this.session) return;
      if (!ack || !ack.ok) {
        const code = (ack && ack.error && ack.error.code) || "no_ack";
        stats.join_errors[code] = (stats.join_errors[code] || 0) + 1;
        setTimeout(() => {
          if (session === this.session && this.socket.connected) this.join(session);
        }, 200);
        return;
      }
      if (this.everJoined) stats.catch_up_pages++;
      for (const message of ack.messages) this.receive(message, this.everJoined);
      if (ack.more && this.everJoined) {
        this.join(session); // the rest of the catch-up, after the new last id
        return;
      }
      this.everJoined = true;
      const buffered = this.buffer || [];
      this.buffer = null;
      for (const payload of buffered) this.receive(payload, false);
      this.joined = true;
      if (this.droppedAt !== null) {
        reconnectTimes.push(now() - this.droppedAt);
        this.droppedAt = null;
      }
      this.flush();
      if (cfg.reconnect_every > 0) this.scheduleCycle();
      if (this.ready) {
        this.ready();
        this.ready = null;
      }
    });
  }

  // A connection ended: what was sent on it and not acknowledged is sent again later.
  down() {
    this.joined = false;
    for (const message of this.pending.values()) this.outbox.push(message);
    this.pending.clear();
  }

  // Drop the connection on purpose and open a new one (the --reconnect-every mode).
  cycle() {
    this.cycleTimer = null;
    if (stopCycles) return;
    const old = this.socket;
    this.session++; // events of the old connection are ignored from here on
    this.down();
    old.removeAllListeners();
    old.disconnect();
    stats.reconnects++;
    this.droppedAt = now();
    this.drops.push(this.droppedAt);
    this.connect();
  }

  // The next drop comes about reconnect_every seconds after the client is back in its room, so
  // a server slow to take connections is not also asked to take more and more of them.
  scheduleCycle() {
    if (!cyclesStarted || stopCycles || this.cycleTimer) return;
    const delay = cfg.reconnect_every * 1000 * (0.8 + 0.4 * Math.random());
    this.cycleTimer = setTimeout(() => this.cycle(), delay);
  }

  flush() {
    const box = this.outbox;
    this.outbox = [];
    box.sort((a, b) => a.k - b.k);
    for (const message of box) this.send(message);
  }

  send(message) {
    if (!this.joined) {
      this.outbox.push(message);
      return;
    }
    const session = this.session;
    message.attempts++;
    if (message.attempts > 1) stats.resends++;
    this.pending.set(message.client_id, message);
    this.socket.emit(
      "send",
      { room: this.room, client_id: message.client_id, body: message.body },
      (ack) => {
        if (session !== this.session) {
          stats.stale_acks++;
          return;
        }
        if (!this.pending.delete(message.client_id)) return;
        if (ack && ack.ok) {
          acknowledged(message, ack.message);
          return;
        }
        const code = (ack && ack.error && ack.error.code) || "no_ack";
        stats.send_errors[code] = (stats.send_errors[code] || 0) + 1;
        if (RETRYABLE.has(code)) setTimeout(() => this.send(message), 200);
        else message.failed = code;
      },
    );
  }

  // Hand a message to the application: once per id, whether it came live or in a catch-up.
  receive(payload, catchUp) {
    const id = payload.id;
    if (this.seen.has(id)) {
      stats.overlap++;
      return;
    }
    this.seen.add(id);
    this.arrivals.set(id, [now(), catchUp]);
    if (id < this.lastId) stats.reordered++;
    else this.lastId = id;
    if (catchUp) stats.catch_up++;
    const message = byClientId.get(payload.client_id);
    if (message === undefined) {
      stats.foreign++;
      return;
    }
    knownInRoom.get(this.room).add(id); // stored, even if its sender never got the ack
    byId.set(id, message);
    if (message.sender === this.index) return; // the sender's own copy: counted as seen only
    const t = now();
    if (message.measured) latencies.push(t - message.scheduled);
    if (t >= measureStart && t < measureEnd) deliveredInWindow++;
  }
}

function acknowledged(message, stored) {
  if (message.id !== undefined && message.id !== stored.id) stats.ack_id_changed++;
  if (message.id !== undefined) return;
  message.id = stored.id;
  const t = now();
  message.ackedAt = t;
  knownInRoom.get(clients[message.sender].room).add(stored.id);
  byId.set(stored.id, message);
  if (message.measured) ackLatencies.push(t - message.scheduled);
  if (t >= measureStart && t < measureEnd) acksInWindow++;
}

// What a client did around a message it never got: for the report of a loss. Times are in ms
// relative to the message's first arrival at any member of the room (or to its ack).
function explainLoss(client, id) {
  const message = byId.get(id);
  const members = clients.filter((c) => c.room === client.room && c.arrivals.has(id));
  const got = members.map((c) => c.arrivals.get(id)[0]);
  const acked = message.ackedAt === undefined ? Infinity : message.ackedAt;
  const first = Math.min(...got, acked);
  const ms = (t) => (t == null || t === Infinity ? null : Math.round(t - first));
  const roomIds = [...knownInRoom.get(client.room)].sort((a, b) => a - b);
  const at = roomIds.indexOf(id);
  const neighbours = roomIds.slice(Math.max(0, at - 3), at + 4).map((other) => {
    const arrival = client.arrivals.get(other);
    if (!arrival) return [other, null, "never"];
    return [other, ms(arrival[0]), arrival[1] ? "catch-up" : "live"];
  });
  const last = client.joins.length ? client.joins[client.joins.length - 1] : null;
  return {
    message: id,
    client: client.index,
    client_process: client.index % cfg.urls.length,
    sender_process: message.sender % cfg.urls.length,
    sender_ack: ms(acked),
    members_got_it: got.length ? [ms(Math.min(...got)), ms(Math.max(...got))] : [],
    neighbours,
    joins_near: client.joins
      .filter((j) => Math.abs(j.sent - first) < 3000)
      .map((j) => ({
        after: j.after,
        sent: ms(j.sent),
        acked: ms(j.acked),
        got: j.got && j.got.length ? [j.got[0], j.got[j.got.length - 1], j.got.length] : [],
      })),
    drops_near: client.drops.filter((t) => Math.abs(t - first) < 3000).map(ms),
    client_at_end: {
      in_room: client.joined,
      highest_id: client.lastId,
      last_join: last && { after: last.after, sent: ms(last.sent), acked: ms(last.acked) },
    },
  };
}

// Acknowledged sends per second from the first scheduled send to the last ack: the throughput
// of a saturated server, whose acks fall outside the measured window.
function storedRate(messages) {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  for (const m of messages) {
    first = Math.min(first, m.scheduled);
    if (m.ackedAt !== undefined) {
      last = Math.max(last, m.ackedAt);
      count++;
    }
  }
  return count && last > first ? count / ((last - first) / 1000) : 0;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const clients = clientsCfg.map((spec, i) => new Client(i, spec));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connectAll() {
  const started = now();
  const queue = [...clients];
  const workers = Array.from({ length: Math.min(cfg.connect_concurrency, N) }, async () => {
    while (queue.length) {
      const client = queue.shift();
      await new Promise((resolve) => {
        client.ready = resolve;
        client.connect();
      });
    }
  });
  await Promise.all(workers);
  log(`${N} clients connected and joined in ${((now() - started) / 1000).toFixed(1)} s`);
}

function allDelivered() {
  for (const client of clients) {
    if (!client.joined || client.pending.size || client.outbox.length) return false;
    const ids = knownInRoom.get(client.room);
    for (const id of ids) if (!client.seen.has(id)) return false;
  }
  return true;
}

async function main() {
  const giveUp = setTimeout(() => {
    log(`not every client could connect and join within ${cfg.connect_timeout} s: giving up`);
    process.exit(2);
  }, (cfg.connect_timeout || 120) * 1000);
  await connectAll();
  clearTimeout(giveUp);
  out("READY");
  const rate = cfg.rate;
  const interval = 1000 / rate;
  const total = Math.round(rate * (cfg.warmup + cfg.duration));
  const t0 = now() + 500;
  measureStart = t0 + cfg.warmup * 1000;
  measureEnd = measureStart + cfg.duration * 1000;
  const messages = [];
  setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    out("MEASURE_START");
  }, measureStart - now());
  setTimeout(() => {
    cpuInWindow = process.cpuUsage(cpuAtStart);
    out("MEASURE_END");
  }, measureEnd - now());
  if (cfg.reconnect_every > 0) {
    cyclesStarted = true;
    for (const client of clients) {
      client.cycleTimer = setTimeout(
        () => client.cycle(),
        500 + Math.random() * cfg.reconnect_every * 1000,
      );
    }
  }
  await new Promise((resolve) => {
    let k = 0;
    const tick = () => {
      const t = now();
      while (k < total && t0 + k * interval <= t) {
        const scheduled = t0 + k * interval;
        stats.max_schedule_lag_ms = Math.max(stats.max_schedule_lag_ms, t - scheduled);
        const sender = k % N;
        const message = {
          k,
          client_id: randomUUID(),
          scheduled,
          sender,
          measured: scheduled >= measureStart && scheduled < measureEnd,
          body: `bench message ${k}, scheduled at ${scheduled.toFixed(3)} ms`,
          attempts: 0,
          id: undefined,
          ackedAt: undefined,
          failed: undefined,
        };
        messages.push(message);
        byClientId.set(message.client_id, message);
        clients[sender].send(message);
        k++;
      }
      if (k < total) setTimeout(tick, Math.max(0, t0 + k * interval - now()));
      else resolve();
    };
    setTimeout(tick, Math.max(0, t0 - now()));
  });
  stopCycles = true;
  for (const client of clients) if (client.cycleTimer) clearTimeout(client.cycleTimer);
  const sendingDone = now();
  while (now() < measureEnd) await sleep(50); // the window ends even if sending finished early
  const drainUntil = Math.max(sendingDone, measureEnd) + cfg.drain * 1000;
  while (now() < drainUntil && !allDelivered()) await sleep(100);
  const drained = allDelivered();
  const drainSeconds = ((now() - sendingDone) / 1000).toFixed(1);
  log(`drain ${drained ? "complete" : "TIMED OUT"} after ${drainSeconds} s`);

  let lostDeliveries = 0;
  let lostSkipped = 0; // below the client's highest id: no catch-up (after = highest) returns it
  const lostByClient = {};
  const lostSamples = [];
  for (const client of clients) {
    for (const id of knownInRoom.get(client.room)) {
      if (!client.seen.has(id)) {
        lostDeliveries++;
        if (id < client.lastId) lostSkipped++;
        lostByClient[client.index] = (lostByClient[client.index] || 0) + 1;
        if (lostSamples.length < 10) lostSamples.push(explainLoss(client, id));
      }
    }
  }
  const unacked = messages.filter((m) => m.id === undefined);
  const failed = {};
  for (const m of unacked) failed[m.failed || "no_ack"] = (failed[m.failed || "no_ack"] || 0) + 1;
  latencies.sort((a, b) => a - b);
  ackLatencies.sort((a, b) => a - b);
  reconnectTimes.sort((a, b) => a - b);
  const windowSeconds = cfg.duration;
  const cpu = cpuInWindow || process.cpuUsage(cpuAtStart);
  const result = {
    clients: N,
    sends: messages.length,
    acked: messages.length - unacked.length,
    unacked: unacked.length,
    unacked_by_reason: failed,
    lost_deliveries: lostDeliveries,
    lost_skipped: lostSkipped,
    clients_not_in_room_at_end: clients.filter((c) => !c.joined).length,
    clients_with_losses: Object.keys(lostByClient).length,
    lost_samples: lostSamples,
    drained,
    deliveries_per_second: deliveredInWindow / windowSeconds,
    acks_per_second: acksInWindow / windowSeconds,
    latency_ms: {
      count: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.length ? latencies[latencies.length - 1] : null,
    },
    ack_latency_ms: {
      count: ackLatencies.length,
      p50: percentile(ackLatencies, 50),
      p99: percentile(ackLatencies, 99),
    },
    reconnect_ms: {
      count: reconnectTimes.length,
      p50: percentile(reconnectTimes, 50),
      p99: percentile(reconnectTimes, 99),
      max: reconnectTimes.length ? reconnectTimes[reconnectTimes.length - 1] : null,
    },
    stored_per_second_overall: storedRate(messages),
    generator_cpu_percent: ((cpu.user + cpu.system) / 1000 / (windowSeconds * 1000)) * 100,
    client_ids: messages.map((m) => m.client_id),
    ...stats,
  };
  out("RESULT " + JSON.stringify(result));
  for (const client of clients) {
    client.session++;
    client.socket.removeAllListeners();
    client.socket.disconnect();
  }
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => {
  log("failed:", err && err.stack);
  process.exit(1);
});
