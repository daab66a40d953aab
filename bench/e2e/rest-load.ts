// REST load: concurrent keep-alive connections, every request signed like a real bot's.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signRequest } from '@parite/identity';
import { OrderFlow, percentile } from './orders.ts';
import type { DemoCredential } from './server-process.ts';

function post(agent: Agent, baseUrl: string, credential: DemoCredential, path: string, method: string,
  body: string, nonce: string): Promise<{ status: number; text: string }> {
  const headers = signRequest({ keyId: credential.apiKey, secret: credential.secret, method, url: path,
    body, timestampMs: Date.now(), nonce });
  return new Promise((resolve, reject) => {
    const outgoing = request(baseUrl + path, { method, agent, headers: {
      ...headers, ...(body.length > 0 ? { 'content-type': 'application/json' } : {}) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function restClosedLoop(baseUrl: string, traders: DemoCredential[], connections: number, phaseMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let refused = 0;
  let nonce = 0;
  const deadline = performance.now() + phaseMs;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async (_, index) => {
    const credential = traders[index % traders.length] as DemoCredential;
    const flow = new OrderFlow(300 + index);
    const open: number[] = [];
    while (performance.now() < deadline) {
      const body = JSON.stringify(flow.next());
      const sentAt = performance.now();
      const response = await post(agent, baseUrl, credential, '/v1/orders', 'POST', body, `r${index}-${++nonce}`);
      latencies.push(performance.now() - sentAt);
      if (response.status !== 201) {
        refused++;
        continue;
      }
      const order = JSON.parse(response.text) as { orderId: number; status: string };
      if (order.status === 'open' || order.status === 'partially_filled') open.push(order.orderId);
      if (open.length > OrderFlow.openOrdersMax) {
        await post(agent, baseUrl, credential, `/v1/orders/${open.shift()}`, 'DELETE', '', `c${index}-${++nonce}`);
      }
    }
  }));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((left, right) => left - right);
  return { ordersPerSec: Math.round((latencies.length - refused) / seconds), p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99), refused };
}
