// The live channel: Server-Sent Events read with fetch() so that the Authorization header goes along (EventSource
// cannot send headers). Reconnects by itself with a growing pause and resumes with Last-Event-ID; a stream silent
// for longer than three heartbeats is treated as dead.

const SILENCE_LIMIT_MS = 45000;

export function connectLive({ url, headers, onEvent, onState, onAuthFailure }) {
  let lastEventId = null;
  let stopped = false;
  let controller = null;
  let attempt = 0;

  async function loop() {
    while (!stopped) {
      controller = new AbortController();
      let watchdog = null;
      const kick = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS);
      };
      try {
        const h = { Accept: 'text/event-stream', ...headers() };
        if (lastEventId) h['Last-Event-ID'] = lastEventId;
        kick();
        const response = await fetch(url, { headers: h, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401 || response.status === 403) {
          clearTimeout(watchdog);
          onAuthFailure(response.status);
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        onState('live');
        await read(response.body.getReader(), kick);
      } catch (e) {
        // network error, restart of the service or a silent stream: reconnect below
      } finally {
        clearTimeout(watchdog);
      }
      if (stopped) return;
      onState('reconnecting');
      const pause = Math.min(10000, 500 * 2 ** attempt) + Math.random() * 250;
      attempt = Math.min(attempt + 1, 5);
      await new Promise(resolve => setTimeout(resolve, pause));
    }
  }

  async function read(reader, kick) {
    const decoder = new TextDecoder();
    let buffer = '';
    let type = 'message';
    let data = [];
    let id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      kick();
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (id !== null) lastEventId = id;
          if (data.length) dispatch(type, data.join('\n'), id);
          type = 'message'; data = []; id = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = val;
        else if (field === 'data') data.push(val);
        else if (field === 'id') id = val;
      }
    }
  }

  function dispatch(type, text, id) {
    let payload;
    try { payload = JSON.parse(text); } catch (e) { return; }
    onEvent(type, payload, id);
  }

  loop();
  return {
    stop() { stopped = true; if (controller) controller.abort(); },
    lastEventId: () => lastEventId,
  };
}
