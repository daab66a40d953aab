// End-to-end benchmark (`npm run bench e2e`): the real server in its own process (durable file
// journal with group-committed fdatasync, embedded PostgreSQL projections, market data), driven by
// signed clients in this process on the same 2-core machine.
//
// WebSocket: (1) closed loop, each connection keeping a window of orders in flight: the sustained
// orders/s; (2) open loop at a fixed arrival rate (default 10,000 orders/s): latency from the
// *scheduled* send time to the acknowledgement, so a stall is charged to everything queued behind it
// (no coordinated omission). REST: closed loop with concurrent keep-alive connections, each request
// signed (HMAC over method, path, body hash, timestamp, nonce).
// Acknowledgement = the server's reply, sent only after the order is durable in the journal.
// CPU: for the closed loop, the CPU time per acknowledged order (its cancel included) of the server
// (all threads, and its main thread alone) from /proc/<pid>/stat, of the embedded PostgreSQL, of the
// load generator and of the whole machine (/proc/stat: both cores, every process and the kernel);
// for the open loop the server's, its main thread's and the machine's (CpuShares); --closed-only
// runs only the closed loop, for A/B runs. --response-type ack places WebSocket orders with the ids-only
// acknowledgement (default full: the order as REST answers it); the client then cannot tell a
// filled order from a resting one and cancels every 201st order back, filled or not.
// --open-only runs only the open loop, after a warm-up at the same rate (--warmup-seconds, default 3;
// the server's code is compiled while it runs) and a pause. The open loop also reports the load
// generator's send lag (how late it sent each order after its schedule) and the latency from the
// actual send (the definition; the headline figure, from the scheduled send, also charges
// the generator's own lateness).
// Every measured phase starts after a pause that lets the projections write what the previous
// phase left queued: the open loop measures the steady state at its rate, not the recovery from
// the closed loop's overload.
// Prints one JSON line: {"bench":"e2e","wsOrdersPerSec":…,"wsP50Ms":…,"wsP99Ms":…,"restOrdersPerSec":…,"restP99Ms":…}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { BenchSocket } from './e2e/ws-client.ts';
import { OrderFlow, percentile } from './e2e/orders.ts';
import { startServerProcess, type DemoCredential } from './e2e/server-process.ts';
import { restClosedLoop } from './e2e/rest-load.ts';

const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '8' }, rate: { type: 'string', default: '10000' },
  connections: { type: 'string', default: '5' }, window: { type: 'string', default: '64' },
  'rest-connections': { type: 'string', default: '32' },
  // --closed-only: only the closed WebSocket loop (orders/s and server CPU per order), for A/B runs.
  'closed-only': { type: 'boolean', default: false },
  // --open-only: only the open WebSocket loop at --rate (latency below saturation, without the
  // closed loop's backlog of projections in front of it).
  'open-only': { type: 'boolean', default: false },
  // --response-type ack: WebSocket orders ask for the ids-only acknowledgement (default full).
  'response-type': { type: 'string', default: 'full' },
  'warmup-seconds': { type: 'string', default: '3' },
  // --trace-dir <dir>: the measured open loop's orders (timeline.json: wall-clock send time and
  // latency from the send) and the server's collections and event-loop stalls (server-trace.json),
  // for bench/e2e/trace-report.ts.
  'trace-dir': { type: 'string' },
} });
const phaseMs = Number(values.seconds) * 1000;
/** Pause before each measured phase after the first (settle()). */
const settleMs = 10_000;
const rate = Number(values.rate);

type Reply = { result?: unknown; error?: { code: string } };

const responseType = values['response-type'] === 'ack' ? 'ack' : 'full';
/**
 * The order.place message as JSON (its fields are plain ASCII: no escaping needed); with acks the
 * reply has no status, so every acknowledged order counts as open.
 */
function placeMessage(flow: OrderFlow): string {
  const order = flow.next();
  const fields = `"symbol":"${order.symbol}","side":"${order.side}","type":"${order.type}","price":"${order.price}",` +
    `"quantity":"${order.quantity}"`;
  return responseType === 'ack' ? `{"op":"order.place",${fields},"responseType":"ack"}` : `{"op":"order.place",${fields}}`;
}

class OpenOrders {
  private readonly ids: number[] = [];
  note(reply: Reply): number | undefined {
    const order = reply.result as { orderId?: number; status?: string } | undefined;
    const resting = order?.status === undefined || order.status === 'open' || order.status === 'partially_filled';
    if (order?.orderId !== undefined && resting) {
      this.ids.push(order.orderId);
    }
    return this.ids.length > OrderFlow.openOrdersMax ? this.ids.shift() : undefined;
  }
}

async function wsClosedLoop(sockets: BenchSocket[], windowSize: number) {
  let acknowledged = 0;
  let refused = 0;
  const deadline = performance.now() + phaseMs;
  const started = performance.now();
  await Promise.all(sockets.map(async (socket, index) => {
    const flow = new OrderFlow(100 + index);
    const open = new OpenOrders();
    const worker = async () => {
      while (performance.now() < deadline) {
        const reply = await socket.requestJson(placeMessage(flow));
        if (reply.error !== undefined) refused++;
        else acknowledged++;
        const cancel = open.note(reply);
        if (cancel !== undefined) void socket.request({ op: 'order.cancel', orderId: cancel });
      }
    };
    await Promise.all(Array.from({ length: windowSize }, worker));
  }));
  const seconds = (performance.now() - started) / 1000;
  return { ordersPerSec: Math.round(acknowledged / seconds), acknowledged, refused };
}

/**
 * The projections write each phase's orders to PostgreSQL behind the engine (up to a second's batch
 * at a time, more after an overload); this lets them catch up, so the next phase measures itself
 * and not the tail of the previous one.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, settleMs));
}

/** Orders of an open loop: [wall-clock send time (ms since the epoch), latency from the send (ms)]. */
type Timeline = [number, number][];

async function wsOpenLoop(sockets: BenchSocket[], ratePerSec: number, durationMs = phaseMs, timeline?: Timeline) {
  const latencies: number[] = [];
  // How late the load generator sent each order after its scheduled time (its own timer and CPU
  // share): part of every latency above, reported so it is not mistaken for the server's.
  const sendLags: number[] = [];
  const fromSend: number[] = [];
  const flows = sockets.map((_, index) => new OrderFlow(200 + index));
  const opens = sockets.map(() => new OpenOrders());
  const total = Math.floor((ratePerSec * durationMs) / 1000);
  const start = performance.now();
  let sent = 0;
  const inFlight: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSec) / 1000));
    for (; sent < due; sent++) {
      const scheduled = start + (sent * 1000) / ratePerSec;
      const sentAt = performance.now();
      sendLags.push(sentAt - scheduled);
      const index = sent % sockets.length;
      const socket = sockets[index] as BenchSocket;
      inFlight.push(socket.requestJson(placeMessage(flows[index] as OrderFlow)).then((reply) => {
        const acknowledgedAt = performance.now();
        latencies.push(acknowledgedAt - scheduled);
        fromSend.push(acknowledgedAt - sentAt);
        timeline?.push([performance.timeOrigin + sentAt, acknowledgedAt - sentAt]);
        const cancel = (opens[index] as OpenOrders).note(reply);
        if (cancel !== undefined) void socket.request({ op: 'order.cancel', orderId: cancel });
      }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const achieved = Math.round(total / ((performance.now() - start) / 1000));
  latencies.sort((left, right) => left - right);
  sendLags.sort((left, right) => left - right);
  fromSend.sort((left, right) => left - right);
  return { orders: total, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99),
    p999Ms: percentile(latencies, 0.999), achievedPerSec: achieved,
    sendLagP50Ms: percentile(sendLags, 0.5), sendLagP99Ms: percentile(sendLags, 0.99),
    fromSendP50Ms: percentile(fromSend, 0.5), fromSendP99Ms: percentile(fromSend, 0.99) };
}

/** Busy CPU time of the whole machine (all cores, every state but idle and iowait), from /proc/stat. */
function machineCpuMs(): { busyMs: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, _idle = 0, _iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return { busyMs: ((user + nice + system + irq + softirq + steal) * 1000) / 100 };
  } catch {
    return undefined;
  }
}

type ServerProcess = Awaited<ReturnType<typeof startServerProcess>>;

/**
 * CPU time each party spends over a phase, per acknowledged order: the server (all threads, and its
 * main thread alone), its child processes (the embedded PostgreSQL), this load generator and the
 * whole machine. Steadier than orders/s or p99 on a VM whose speed swings, for comparing changes.
 */
class CpuShares {
  private constructor(
    private readonly server: ServerProcess,
    private readonly serverMs: number | undefined,
    private readonly mainThreadMs: number | undefined,
    private readonly childrenMs: number | undefined,
    private readonly machine: { busyMs: number } | undefined,
    private readonly client: NodeJS.CpuUsage,
  ) {}

  static start(server: ServerProcess): CpuShares {
    return new CpuShares(server, server.cpuMs(), server.mainThreadCpuMs(), server.childProcessesCpuMs(),
      machineCpuMs(), process.cpuUsage());
  }

  perOrder(orders: number) {
    const perOrderUs = (ms: number) => Math.round((ms * 1000) / orders);
    const since = (before: number | undefined, after: number | undefined) =>
      before === undefined || after === undefined ? undefined : perOrderUs(after - before);
    const client = process.cpuUsage(this.client);
    return {
      serverCpuUsPerOrder: since(this.serverMs, this.server.cpuMs()),
      serverMainThreadCpuUsPerOrder: since(this.mainThreadMs, this.server.mainThreadCpuMs()),
      databaseCpuUsPerOrder: since(this.childrenMs, this.server.childProcessesCpuMs()),
      clientCpuUsPerOrder: perOrderUs((client.user + client.system) / 1000),
      machineBusyCpuUsPerOrder: since(this.machine?.busyMs, machineCpuMs()?.busyMs),
    };
  }
}

async function main(): Promise<void> {
  const traceDirectory = values['trace-dir'];
  if (traceDirectory !== undefined) mkdirSync(traceDirectory, { recursive: true });
  const server = await startServerProcess({ traceDirectory });
  const timeline: Timeline | undefined = traceDirectory === undefined ? undefined : [];
  const writeTimeline = () => {
    if (traceDirectory !== undefined) writeFileSync(join(traceDirectory, 'timeline.json'), JSON.stringify(timeline));
  };
  try {
    // Customers trade; staff keys (operator, supervisor, auditor) hold read scopes only.
    const traders = server.credentials.filter((credential) => credential.roles.includes('customer'));
    const count = Number(values.connections);
    const sockets: BenchSocket[] = [];
    for (let index = 0; index < count; index++) {
      sockets.push(await BenchSocket.connect(server.baseUrl, traders[index % traders.length] as DemoCredential,
        `bench-${index}-${Date.now()}`));
    }
    if (values['open-only'] === true) {
      await wsOpenLoop(sockets, rate, Number(values['warmup-seconds']) * 1000);
      await settle();
      const openCpu = CpuShares.start(server);
      const open = await wsOpenLoop(sockets, rate, phaseMs, timeline);
      const cpu = openCpu.perOrder(open.orders);
      writeTimeline();
      console.log(JSON.stringify({ bench: 'e2e-open', responseType, wsOpenLoopRatePerSec: rate, ...open,
        serverCpuUsPerOrder: cpu.serverCpuUsPerOrder, serverMainThreadCpuUsPerOrder: cpu.serverMainThreadCpuUsPerOrder,
        machineBusyCpuUsPerOrder: cpu.machineBusyCpuUsPerOrder }));
      for (const socket of sockets) socket.close();
      return;
    }
    const closedCpu = CpuShares.start(server);
    const closed = await wsClosedLoop(sockets, Number(values.window));
    const { serverCpuUsPerOrder, serverMainThreadCpuUsPerOrder, databaseCpuUsPerOrder, clientCpuUsPerOrder,
      machineBusyCpuUsPerOrder } = closedCpu.perOrder(closed.acknowledged);
    if (values['closed-only'] === true) {
      console.log(JSON.stringify({ bench: 'e2e-closed', responseType, wsOrdersPerSec: closed.ordersPerSec, serverCpuUsPerOrder,
        serverMainThreadCpuUsPerOrder, databaseCpuUsPerOrder, clientCpuUsPerOrder, machineBusyCpuUsPerOrder }));
      return;
    }
    await settle();
    const openCpu = CpuShares.start(server);
    const open = await wsOpenLoop(sockets, rate, phaseMs, timeline);
    const openCpuPerOrder = openCpu.perOrder(open.orders);
    writeTimeline();
    for (const socket of sockets) socket.close();
    await settle();
    const rest = await restClosedLoop(server.baseUrl, traders, Number(values['rest-connections']), phaseMs);
    console.log(JSON.stringify({
      bench: 'e2e', wsOrdersPerSec: closed.ordersPerSec, wsP50Ms: open.p50Ms, wsP99Ms: open.p99Ms,
      restOrdersPerSec: rest.ordersPerSec, restP99Ms: rest.p99Ms,
      wsOpenLoopRatePerSec: rate, wsOpenLoopAchievedPerSec: open.achievedPerSec, wsP999Ms: open.p999Ms,
      wsSendLagP50Ms: open.sendLagP50Ms, wsSendLagP99Ms: open.sendLagP99Ms,
      wsFromSendP50Ms: open.fromSendP50Ms, wsFromSendP99Ms: open.fromSendP99Ms,
      wsRefused: closed.refused, serverCpuUsPerOrder, serverMainThreadCpuUsPerOrder, databaseCpuUsPerOrder,
      clientCpuUsPerOrder, machineBusyCpuUsPerOrder,
      wsOpenServerMainThreadCpuUsPerOrder: openCpuPerOrder.serverMainThreadCpuUsPerOrder,
      wsOpenMachineBusyCpuUsPerOrder: openCpuPerOrder.machineBusyCpuUsPerOrder,
      restP50Ms: rest.p50Ms, restRefused: rest.refused,
      connections: count, window: Number(values.window), restConnections: Number(values['rest-connections']),
      wsResponseType: responseType,
    }));
  } finally {
    await server.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
