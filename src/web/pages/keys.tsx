import { useState } from 'preact/hooks';
import { gw, usd, when } from '../api';
import { Badge, Bar, Card, Failure, Loading, Page, Table, useData } from '../ui';

interface Spend {
  period: string;
  spent_usd: number;
  reserved_usd: number;
}
interface Key {
  id: string;
  name: string;
  team: string | null;
  status: string;
  budget: { usd: number; period: string } | null;
  last_used_at: string | null;
  spend?: Spend;
}
interface Team {
  name: string;
  budget: { usd: number; period: string } | null;
  spend?: Spend;
}

function SpendCell(props: { budget: { usd: number; period: string } | null; spend: Spend | undefined; who: string }) {
  const spent = props.spend?.spent_usd ?? 0;
  if (props.budget === null)
    return (
      <span>
        {usd(spent)} <small class="muted">no budget</small>
      </span>
    );
  return (
    <div class="spend">
      <Bar value={spent} max={props.budget.usd} label={`${props.who}: ${usd(spent)} of ${usd(props.budget.usd)} per ${props.budget.period}`} />
      <small>
        {usd(spent)} of {usd(props.budget.usd)} / {props.budget.period}
      </small>
    </div>
  );
}

export function KeysPage() {
  const { data, error, reload } = useData(() => gw<{ keys: Key[]; teams: Team[] }>('GET', '/admin/dashboard/keys'));
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [budget, setBudget] = useState('');
  async function create(e: Event) {
    e.preventDefault();
    setFailure(null);
    try {
      const made = await gw<{ name: string; key: string }>('POST', '/admin/keys', { name, ...(budget.trim() === '' ? {} : { budget: budget.trim() }) });
      setCreated({ name: made.name, key: made.key });
      setName('');
      setBudget('');
      reload();
    } catch (err) {
      setFailure((err as Error).message);
    }
  }
  async function revoke(key: Key) {
    if (!window.confirm(`Revoke the key '${key.name}'? Clients using it stop at once.`)) return;
    setFailure(null);
    try {
      await gw('DELETE', `/admin/keys/${encodeURIComponent(key.id)}`);
      reload();
    } catch (err) {
      setFailure((err as Error).message);
    }
  }
  return (
    <Page title="Keys and budgets" question="Who may call the gateway, and how much of their budget have they spent?">
      <Failure error={error ?? failure} />
      <div class="grid">
        <Card title="Create a key">
          <form onSubmit={create} class="inline-form">
            <label>
              Name <input required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} name="key-name" />
            </label>
            <label>
              Budget (optional, e.g. 25/month){' '}
              <input value={budget} onInput={(e) => setBudget((e.currentTarget as HTMLInputElement).value)} name="key-budget" />
            </label>
            <button type="submit">Create key</button>
          </form>
          {created === null ? null : (
            <div class="once" role="status" aria-live="polite">
              <p>
                The key <strong>{created.name}</strong>, shown this once (copy it now; the gateway keeps only its hash):
              </p>
              <code data-testid="new-key">{created.key}</code>
              <button type="button" onClick={() => setCreated(null)}>
                I have copied it
              </button>
            </div>
          )}
        </Card>
        <Card title="Teams">
          <Table
            caption="Teams and their spend"
            head={['team', 'spend']}
            rows={(data?.teams ?? []).map((t) => [t.name, <SpendCell budget={t.budget} spend={t.spend} who={t.name} />])}
            empty="No teams."
          />
        </Card>
        <Card title="Keys" wide>
          {data === null ? (
            <Loading />
          ) : (
            <Table
              caption="API keys with their spend against their budget"
              testid="keys-table"
              head={['name', 'team', 'status', 'spend', 'last used', '']}
              rows={data.keys.map((k) => [
                k.name,
                k.team ?? '–',
                <Badge kind={k.status === 'active' ? 'ok' : 'bad'}>{k.status}</Badge>,
                <SpendCell budget={k.budget} spend={k.spend} who={k.name} />,
                when(k.last_used_at),
                k.status === 'active' ? (
                  <button type="button" class="danger" onClick={() => revoke(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </button>
                ) : (
                  ''
                ),
              ])}
            />
          )}
        </Card>
      </div>
    </Page>
  );
}
