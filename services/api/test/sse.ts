import http from 'node:http';

export interface SseFrame {
  event: string;
  id?: string;
  data: any;
}

/** A minimal SSE reader that collects frames until told to stop. */
export function openSse(url: string, headers: Record<string, string> = {}) {
  const frames: SseFrame[] = [];
  let buf = '';
  let status = 0;
  const req = http.get(url, { headers }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const raw = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const f: Partial<SseFrame> = {};
        for (const line of raw.split('\n')) {
          if (line.startsWith('event: ')) f.event = line.slice(7);
          else if (line.startsWith('id: ')) f.id = line.slice(4);
          else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6));
        }
        if (f.event) frames.push(f as SseFrame);
      }
    });
  });
  return {
    frames,
    status: () => status,
    close: () => req.destroy(),
    async waitFor(pred: (f: SseFrame[]) => boolean, ms = 5000) {
      const end = Date.now() + ms;
      while (!pred(frames)) {
        if (Date.now() > end) throw new Error(`timeout; frames: ${JSON.stringify(frames).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
