// Starts the QuickFIX-based market-data simulator (shared/tools/fix-feed-sim) on a free loopback port
// and records its stdout: one JSON line per event, including every injected fault. A test (or the
// lead's filter tests) joins the faults to what the engine did with the matching ticks on
// (provider, symbol, tick), where tick is QuoteEntryID (299), carried in each tick's sourceReference.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** FIX_FEED_SIM_DIR, else ../shared/tools/fix-feed-sim next to the repository. */
export function fixSimDirectory(): string {
  return process.env['FIX_FEED_SIM_DIR'] ?? resolve(repositoryRoot, '../shared/tools/fix-feed-sim');
}

export interface SimEvent {
  readonly event: string;
  readonly ts: string;
  readonly [field: string]: unknown;
}

export type PriceFaultKind = 'spike' | 'zero' | 'crossed';

/** A price fault line: `bid`/`offer` were sent, `cleanBid`/`cleanOffer` would have been. */
export interface SimPriceFault {
  readonly fault: PriceFaultKind;
  readonly provider: string;
  readonly session: string;
  readonly mdReqId: string;
  readonly symbol: string;
  readonly tick: number;
  readonly detail: { readonly factor?: number; readonly side?: 'bid' | 'offer' | 'both' };
  /** The numbers as the sim printed them (JSON numbers: for correlation, never for money). */
  readonly bid: number;
  readonly offer: number;
  readonly cleanBid: number;
  readonly cleanOffer: number;
}

export interface SimSilenceFault {
  readonly fault: 'silence_start' | 'silence_end';
  readonly provider: string;
  readonly symbol: string | null;
  readonly tick: number;
  readonly afterS: number;
  readonly forS: number;
}

export interface FixSimOptions {
  /** Loopback port; a free one is picked when omitted (pass the old one to restart in place). */
  readonly port?: number;
  readonly providers?: readonly string[];
  readonly seed?: number;
  /** `--tick-ms` SPEC, e.g. '100' or '250,T360=100'. */
  readonly tickMs?: string;
  readonly spike?: string;
  readonly zero?: string;
  readonly crossed?: string;
  /** `--silence` SPEC: 'T360:USD/TRY:3:2'. */
  readonly silence?: string;
  /** ResetOnLogon=N, PersistMessages=Y: sequence numbers survive Logons and resends replay with 43=Y. */
  readonly persist?: boolean;
  readonly startTimeoutMs?: number;
}

export class FixSim {
  readonly events: SimEvent[] = [];
  private exitCode: number | null | undefined = undefined;

  constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly workDirectory: string,
    private readonly stderrLines: string[],
  ) {
    child.once('exit', (code) => {
      this.exitCode = code;
    });
  }

  priceFaults(): SimPriceFault[] {
    return this.events.filter((event) => event['event'] === 'fault' && ['spike', 'zero', 'crossed'].includes(String(event['fault'])))
      .map((event) => event as unknown as SimPriceFault);
  }

  silenceFaults(): SimSilenceFault[] {
    return this.events.filter((event) => event['event'] === 'fault' && String(event['fault']).startsWith('silence_'))
      .map((event) => event as unknown as SimSilenceFault);
  }

  eventsOf(kind: string): SimEvent[] {
    return this.events.filter((event) => event['event'] === kind);
  }

  running(): boolean {
    return this.exitCode === undefined;
  }

  stderr(): string {
    return this.stderrLines.join('\n');
  }

  /** SIGTERM: the sim logs every session out, then exits. */
  async stop(timeoutMs = 15_000): Promise<void> {
    await this.signal('SIGTERM', timeoutMs);
  }

  /** SIGKILL to the whole process group: sockets drop with no Logout, as in a crash. */
  async kill(timeoutMs = 15_000): Promise<void> {
    await this.signal('SIGKILL', timeoutMs);
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (this.running() && this.child.pid !== undefined) {
      try {
        // Detached: the negative pid is the group of run.sh and the sim it supervises.
        process.kill(signal === 'SIGKILL' ? -this.child.pid : this.child.pid, signal);
      } catch {
        // already gone
      }
      await waitFor(() => !this.running(), `fix-feed-sim to exit after ${signal}`, timeoutMs);
    }
    rmSync(this.workDirectory, { recursive: true, force: true });
  }
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startFixSim(options: FixSimOptions = {}): Promise<FixSim> {
  const runScript = join(fixSimDirectory(), 'run.sh');
  if (!existsSync(runScript)) throw new Error(`fix-feed-sim not found at ${runScript} (set FIX_FEED_SIM_DIR)`);
  const port = options.port ?? await freeLoopbackPort();
  const workDirectory = mkdtempSync(join(tmpdir(), 'parite-fix-sim-'));
  const args = ['--port', String(port), '--work-dir', workDirectory, '--seed', String(options.seed ?? 7)];
  if (options.providers !== undefined) args.push('--providers', options.providers.join(','));
  if (options.tickMs !== undefined) args.push('--tick-ms', options.tickMs);
  if (options.spike !== undefined) args.push('--spike', options.spike);
  if (options.zero !== undefined) args.push('--zero', options.zero);
  if (options.crossed !== undefined) args.push('--crossed', options.crossed);
  if (options.silence !== undefined) args.push('--silence', options.silence);
  if (options.persist === true) args.push('--persist');
  const child = spawn(runScript, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderrLines.push(line));
  const sim = new FixSim(port, child, workDirectory, stderrLines);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      sim.events.push(JSON.parse(line) as SimEvent);
    } catch {
      stderrLines.push(`unparsable stdout line: ${line}`);
    }
  });
  try {
    await waitFor(() => sim.eventsOf('listening').length > 0 || !sim.running(), 'fix-feed-sim to listen',
      options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await sim.kill();
    throw error;
  }
  if (!sim.running()) throw new Error(`fix-feed-sim exited before listening:\n${sim.stderr()}`);
  return sim;
}
