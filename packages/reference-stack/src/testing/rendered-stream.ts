import { WebSocket } from 'ws';

/** WebSocket clients of a stack's streams, each collecting the public_id of every report.rendered pushed to it. */
export function renderedWatchers() {
  const sockets: WebSocket[] = [];
  return {
    async watch(url: string, protocols?: string[]): Promise<string[]> {
      const ws = new WebSocket(url, protocols);
      sockets.push(ws);
      const ids: string[] = [];
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { type: string; data: { public_id?: string } };
        if (m.type === 'report.rendered') ids.push(m.data.public_id!);
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return ids;
    },
    close(): void {
      for (const ws of sockets.splice(0)) ws.terminate();
    },
  };
}
