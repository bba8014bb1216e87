// Runs JavaScript in a real Hermes VM (the `hermes` binary of the hermes-engine-cli package) with the
// network and timers outside the VM, as in React Native (native Networking and Timing modules): the VM
// prints each request (`@@net <json>`) and timer (`@@timer <json>`, see test/fixtures/react-native/hermes-host.js);
// this process performs the request with Node's fetch and evaluates `__deliverResponse(id, response)`
// back in the VM, or `__fireTimer(id)` when the timer is due. Hermes' REPL reads one statement per line from stdin,
// runs microtasks and timers between lines, and so lets the host answer while the app awaits.
import { spawn } from 'node:child_process';

export interface VmRequest {
  id: number;
  method: string;
  url: string;
  /** Header names lower-cased, as the VM's XMLHttpRequest set them. */
  headers: Record<string, string>;
  body: string | null;
}

export interface HermesRun {
  /** Every request the VM sent, in order. */
  requests: VmRequest[];
  /** The line that started with `resultMarker` (without the marker). */
  result: string;
  /** Everything the VM printed. */
  output: string;
}

/**
 * Evaluates `scripts` in order in a fresh Hermes VM, then `call`; resolves with the first printed line that
 * contains `resultMarker`, rejects on `errorMarker`, an early exit or after `timeoutMs`.
 */
export function runInHermes(
  hermesBin: string,
  { scripts, call, resultMarker, errorMarker, timeoutMs = 60_000 }: { scripts: string[]; call: string; resultMarker: string; errorMarker: string; timeoutMs?: number },
): Promise<HermesRun> {
  const vm = spawn(hermesBin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const requests: VmRequest[] = [];
  let output = '';
  let buffered = '';
  const timers = new Map<number, NodeJS.Timeout>();
  return new Promise<HermesRun>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${resultMarker} from Hermes within ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
    const finish = (error: Error | undefined, result?: string) => {
      clearTimeout(timer);
      for (const t of timers.values()) clearTimeout(t);
      vm.stdin.end();
      vm.kill();
      if (error) reject(error);
      else resolve({ requests, result: result!, output });
    };
    const send = (statement: string) => vm.stdin.write(`${statement}\n`);
    const perform = async (request: VmRequest) => {
      try {
        const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? undefined });
        const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\r\n');
        const body = await response.text();
        send(`__deliverResponse(${request.id}, ${JSON.stringify({ status: response.status, statusText: response.statusText, headers, body, url: response.url })});`);
      } catch (error) {
        send(`__deliverResponse(${request.id}, ${JSON.stringify({ error: String(error) })});`);
      }
    };
    vm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    vm.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      output += text;
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const net = line.indexOf('@@net ');
        const timerAt = line.indexOf('@@timer ');
        const clearAt = line.indexOf('@@cleartimer ');
        if (timerAt >= 0) {
          const { id, ms } = JSON.parse(line.slice(timerAt + 8)) as { id: number; ms: number };
          timers.set(id, setTimeout(() => timers.delete(id) && send(`__fireTimer(${id});`), ms));
        } else if (clearAt >= 0) {
          const id = Number(line.slice(clearAt + 13));
          clearTimeout(timers.get(id));
          timers.delete(id);
        } else if (net >= 0) {
          const request = JSON.parse(line.slice(net + 6)) as VmRequest;
          requests.push(request);
          void perform(request);
        } else if (line.includes('Uncaught ')) finish(new Error(`uncaught in Hermes: ${line}\n${output.slice(-4000)}`));
        else if (line.includes(errorMarker)) finish(new Error(`the app failed in Hermes: ${line.slice(line.indexOf(errorMarker))}\n${output.slice(-4000)}`));
        else if (line.includes(resultMarker)) finish(undefined, line.slice(line.indexOf(resultMarker) + resultMarker.length).trim());
      }
    });
    vm.on('error', (error) => finish(error));
    vm.on('exit', (code, signal) => finish(new Error(`Hermes exited (${signal ?? code}) before ${resultMarker}:\n${output.slice(-4000)}`)));
    // Indirect eval: each script runs in the global scope, as a bundle loaded by the RN runtime does.
    for (const script of scripts) send(`(0, eval)(${JSON.stringify(script)}); undefined;`);
    send(`${call}; undefined;`);
  });
}
