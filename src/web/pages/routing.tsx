import { useState } from 'preact/hooks';
import { gw, num } from '../api';
import { Badge, Card, Failure, Loading, Page, Table, useData, WindowPicker } from '../ui';

interface Routing {
  decisions: Array<{ route: string | null; provider: string | null; locality: string | null; requests: number; errors: number; fallback: boolean }>;
  fallbacks: number;
  routes: Array<{ name: string; targets: Array<{ model: string; provider: string | null; locality: string | null }> }>;
  breakers: Record<string, { state: string; failures: number }>;
}

export function RoutingPage() {
  const [window, setWindow] = useState('24h');
  const { data, error } = useData(() => gw<Routing>('GET', `/admin/dashboard/routing?window=${window}`), [window]);
  return (
    <Page title="Routing" question="Which rule sent each request where, and why?" actions={<WindowPicker value={window} onChange={setWindow} />}>
      <Failure error={error} />
      {data === null ? (
        <Loading />
      ) : (
        <div class="grid">
          <Card title="Decisions by rule and target" wide>
            <p>
              Fallbacks (answered by another provider than the rule's first target): <strong>{num(data.fallbacks)}</strong>
            </p>
            <Table
              caption="Requests by routing rule and target"
              head={['rule', 'provider', 'locality', 'requests', 'errors', '']}
              rows={data.decisions.map((d) => [
                d.route ?? '(model named directly)',
                d.provider ?? '–',
                d.locality ?? '–',
                num(d.requests),
                num(d.errors),
                d.fallback ? <Badge kind="warn">fallback</Badge> : '',
              ])}
            />
          </Card>
          <Card title="Rules">
            <Table
              caption="Routing rules and their targets in order"
              head={['rule', 'targets, in order']}
              rows={data.routes.map((r) => [r.name, r.targets.map((t) => `${t.model} (${t.locality ?? '?'})`).join(' → ')])}
              empty="No routing rules are configured."
            />
          </Card>
          <Card title="Circuit breakers">
            <Table
              caption="Circuit breaker state per provider"
              head={['provider', 'state', 'failures']}
              rows={Object.entries(data.breakers).map(([p, b]) => [p, <Badge kind={b.state === 'closed' ? 'ok' : 'bad'}>{b.state}</Badge>, num(b.failures)])}
              empty="No provider has been called yet."
            />
          </Card>
          <Card title="Why? Explain a request" wide>
            <Explain />
          </Card>
        </div>
      )}
    </Page>
  );
}

function Explain() {
  const [text, setText] = useState('{\n  "model": "auto",\n  "messages": [{ "role": "user", "content": "Summarise this contract" }]\n}');
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function explain(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const body = JSON.parse(text) as unknown;
      setAnswer(JSON.stringify(await gw('POST', '/v1/route/explain', body), null, 2));
    } catch (err) {
      setAnswer(null);
      setError((err as Error).message);
    }
  }
  return (
    <form onSubmit={explain}>
      <label for="explain-body">A chat request (JSON), as a client would send it; nothing is called</label>
      <textarea id="explain-body" rows={6} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit">Explain the route</button>
      <Failure error={error} />
      {answer === null ? null : (
        <pre class="explain" aria-live="polite" data-testid="explain-answer">
          {answer}
        </pre>
      )}
    </form>
  );
}
