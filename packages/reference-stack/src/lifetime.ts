// Ties a stack process's lifetime to whoever started it. `pnpm stack` runs pnpm → sh → pnpm → sh → tsx →
// node, and pnpm does not forward SIGTERM/SIGHUP to its script: killing the pnpm the user started used to
// leave the stack running, consuming later runs' messages. So the stack stops on a signal, and also when
// any process of its launch chain goes away.
import { readdirSync, readFileSync } from 'node:fs';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux Node supports. */
export const TICKS_PER_SECOND = 100;

export interface ProcStat {
  /** R, S, D, Z (a zombie: exited, not yet reaped) … */
  state: string;
  ppid: number;
  pgrp: number;
  /** CPU-seconds the process has spent so far, user and system (utime + stime). */
  cpuSeconds: number;
}

/** State, ppid, process group and CPU time of a process, from /proc (Linux); undefined elsewhere or when it is gone. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp …`; comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes of process group `pgid` (Linux /proc): what a stop must leave empty. */
export function processGroupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
    });
}

/**
 * The launch chain: this process's ancestors in its own process group (the job a shell or a test
 * started: pnpm, sh, tsx…), nearest first. Outside Linux: just the parent.
 */
export function launchChain(pid = process.pid): number[] {
  const self = procStat(pid);
  if (!self) return process.ppid > 1 ? [process.ppid] : [];
  const chain: number[] = [];
  for (let p = self.ppid; p > 1 && chain.length < 64; ) {
    const stat = procStat(p);
    if (!stat || stat.pgrp !== self.pgrp) break;
    chain.push(p);
    p = stat.ppid;
  }
  // A process started alone (its own group, e.g. `node cli.ts &`) still watches its parent.
  return chain.length > 0 || self.ppid <= 1 ? chain : [self.ppid];
}

/**
 * Calls `stop` once on SIGINT, SIGTERM or SIGHUP, or when a process of the launch chain exits (we are
 * re-parented, so the chain changes), then exits; a stop slower than `graceMs` exits anyway. Later
 * signals are ignored: Ctrl-C reaches this process from the terminal and again relayed by pnpm and tsx.
 */
export function stopOnExitOf(stop: () => Promise<void>, log: (line: string) => void, { pollMs = 250, graceMs = 10_000 } = {}): void {
  const chain = launchChain();
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(watch);
    log(`[stack] ${why}: stopping`);
    setTimeout(() => {
      log(`[stack] not stopped after ${graceMs} ms: exiting`);
      process.exit(1);
    }, graceMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`[stack] stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => shutdown(signal));
  const watch = setInterval(() => {
    const now = launchChain();
    if (now.length !== chain.length || now.some((p, i) => p !== chain[i])) shutdown(`launcher gone (process chain ${chain.join(' → ')} is now ${now.join(' → ') || 'empty'})`);
  }, pollMs);
  watch.unref();
}
