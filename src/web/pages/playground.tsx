import { useRef, useState } from 'preact/hooks';
import { call, gw } from '../api';
import { Badge, Failure, Page, useData } from '../ui';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
}
interface Badges {
  route: string | null;
  model: string | null;
  locality: string | null;
  privacy: string | null;
}

/** Reads an OpenAI-style SSE stream, calling `onText` with each content delta. */
async function readStream(response: Response, onText: (text: string) => void): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of frame.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }>; error?: { message?: string } };
        if (parsed.error !== undefined) throw new Error(parsed.error.message ?? 'the stream failed');
        const text = parsed.choices?.[0]?.delta?.content;
        if (typeof text === 'string' && text !== '') onText(text);
      }
    }
  }
}

export function PlaygroundPage() {
  const models = useData(() => gw<{ data: Array<{ id: string }> }>('GET', '/v1/models'));
  const [model, setModel] = useState('');
  const [input, setInput] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [badges, setBadges] = useState<Badges | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const stop = useRef<AbortController | null>(null);
  const chosen = model || models.data?.data[0]?.id || '';

  async function send(e: Event) {
    e.preventDefault();
    if (input.trim() === '' || chosen === '') return;
    const history: Turn[] = [...turns, { role: 'user', content: input }];
    setTurns([...history, { role: 'assistant', content: '' }]);
    setInput('');
    setFailure(null);
    setBusy(true);
    const abort = new AbortController();
    stop.current = abort;
    try {
      const response = await call('POST', '/ui/api/v1/chat/completions', { model: chosen, stream: true, messages: history }, abort.signal);
      const h = response.headers;
      setBadges({
        route: h.get('x-flambeau-route'),
        model: h.get('x-flambeau-model'),
        locality: h.get('x-flambeau-locality'),
        privacy: h.get('x-flambeau-privacy'),
      });
      let answer = '';
      await readStream(response, (text) => {
        answer += text;
        setTurns([...history, { role: 'assistant', content: answer }]);
      });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setFailure((err as Error).message);
    } finally {
      setBusy(false);
      stop.current = null;
    }
  }

  return (
    <Page title="Playground" question="What does a model answer, where did it run, and what did the privacy guard replace?">
      <Failure error={models.error ?? failure} />
      <div class="playground">
        <label>
          Model or route{' '}
          <select value={chosen} onChange={(e) => setModel((e.currentTarget as HTMLSelectElement).value)} name="model">
            {(models.data?.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
          </select>
        </label>
        {badges === null ? null : (
          <div class="badges" aria-label="How the last answer was served" data-testid="playground-badges">
            {badges.route === null ? null : <Badge label={`route ${badges.route}`}>route: {badges.route}</Badge>}
            {badges.model === null ? null : <Badge label={`model ${badges.model}`}>model: {badges.model}</Badge>}
            {badges.locality === null ? null : (
              <Badge kind={badges.locality} label={`ran on ${badges.locality}`}>
                {badges.locality}
              </Badge>
            )}
            <Badge kind={badges.privacy === null ? 'ok' : 'warn'} label="privacy">
              privacy: {badges.privacy === null ? 'nothing replaced' : badges.privacy}
            </Badge>
          </div>
        )}
        <ol class="chat" aria-live="polite" aria-label="Conversation" data-testid="chat">
          {turns.map((t, i) => (
            <li key={i} class={`turn ${t.role}`}>
              <span class="sr-only">{t.role === 'user' ? 'You said:' : 'The model answered:'}</span>
              {t.content === '' && busy ? '…' : t.content}
            </li>
          ))}
        </ol>
        <form onSubmit={send} class="composer">
          <label for="prompt" class="sr-only">
            Message
          </label>
          <textarea
            id="prompt"
            rows={3}
            value={input}
            placeholder="Ask something (Ctrl+Enter sends)"
            onInput={(e) => setInput((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
            }}
          />
          <div class="actions">
            <button type="submit" disabled={busy || chosen === ''}>
              Send
            </button>
            <button type="button" disabled={!busy} onClick={() => stop.current?.abort()}>
              Stop
            </button>
            <button type="button" disabled={busy || turns.length === 0} onClick={() => (setTurns([]), setBadges(null))}>
              Clear
            </button>
          </div>
        </form>
      </div>
    </Page>
  );
}
