// The collateral alerts' server-sent events (GET /api/v1/collateral-alerts/stream) read with fetch, so the
// key travels in the Authorization header (EventSource cannot send headers, and the key must never be in a
// URL). Reconnects with Last-Event-ID after a drop; each event is dispatched on window as 'alert-event'.

import { authHeaders } from './api.js';

const RETRY_MS = 2000;

/** Parses text/event-stream lines into {id, event, data} objects (the subset the gateway sends). */
export class EventStreamParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.fields = { id: null, event: 'message', data: [] };
  }

  push(text) {
    this.buffer += text;
    let newline;
    while ((newline = this.buffer.search(/\r?\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(this.buffer[newline] === '\r' ? newline + 2 : newline + 1);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.fields.data.length > 0) {
        this.onEvent({ id: this.fields.id, event: this.fields.event, data: this.fields.data.join('\n') });
      }
      this.fields = { id: this.fields.id, event: 'message', data: [] };
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (name === 'id') {
      this.fields.id = value;
    } else if (name === 'event') {
      this.fields.event = value;
    } else if (name === 'data') {
      this.fields.data.push(value);
    }
  }
}

/** The live alert stream of the signed-in key; status changes go to onStatus('connected'|'disconnected'|message). */
export class AlertStream {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.lastEventId = null;
    this.controller = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.controller) {
      this.controller.abort();
    }
  }

  async connect() {
    while (!this.stopped) {
      this.controller = new AbortController();
      const headers = authHeaders({ Accept: 'text/event-stream' });
      if (this.lastEventId) {
        headers['Last-Event-ID'] = this.lastEventId;
      }
      try {
        const response = await fetch('/api/v1/collateral-alerts/stream', { headers, signal: this.controller.signal,
          cache: 'no-store' });
        if (!response.ok) {
          let code = 'HTTP_' + response.status;
          try {
            code = (await response.json()).code || code;
          } catch (e) {
            // not JSON: keep the HTTP status
          }
          this.onStatus('disconnected', 'live updates refused: ' + code);
          if (response.status === 401 || response.status === 403) {
            return;
          }
        } else {
          this.onStatus('connected', 'live');
          const parser = new EventStreamParser(e => this.dispatch(e));
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) {
              break;
            }
            parser.push(value);
          }
          this.onStatus('disconnected', 'live updates: reconnecting');
        }
      } catch (e) {
        if (this.stopped) {
          return;
        }
        this.onStatus('disconnected', 'live updates: reconnecting');
      }
      await new Promise(resolve => setTimeout(resolve, RETRY_MS));
    }
  }

  dispatch(event) {
    if (event.id) {
      this.lastEventId = event.id;
    }
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    window.dispatchEvent(new CustomEvent('alert-event', { detail: data }));
  }
}
