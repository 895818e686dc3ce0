import { useState } from 'preact/hooks';
import { call, gw, when } from '../api';
import { Badge, Card, Failure, Loading, Page, Table, useData } from '../ui';

interface AuditRecord {
  seq: number;
  at: string;
  type: string;
  event: Record<string, unknown>;
}
type Verify = { ok: true; count: number; head: { seq: number; hash: string } | null } | { ok: false; count: number; first_broken: number; reason: string };

function summary(r: AuditRecord): string {
  const e = r.event;
  if (r.type === 'admin') {
    const target = Object.entries((e.target as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    const details = e.details as Record<string, unknown> | undefined;
    const model = details?.model === undefined ? [] : [`model=${String(details.model)}`, ...(details.version == null ? [] : [`v${String(details.version)}`])];
    return [String(e.action), ...target, ...model].join(' ');
  }
  if (r.type === 'request') {
    const outcome = e.outcome as { status?: number; code?: string | null } | undefined;
    const served = e.provider == null ? '' : ` → ${String(e.provider)} (${String(e.locality ?? '?')})`;
    const model = e.model == null ? '' : ` ${String(e.model)}`;
    return `${String(e.endpoint)}${model}${served} · ${outcome?.status ?? ''}${outcome?.code == null ? '' : ` ${outcome.code}`}`;
  }
  return JSON.stringify(e).slice(0, 120);
}

export function AuditPage() {
  const { data, error, reload } = useData(() => gw<{ data: AuditRecord[] }>('GET', '/admin/audit/records?limit=50'));
  const [verify, setVerify] = useState<Verify | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  async function check() {
    setFailure(null);
    try {
      setVerify(await gw<Verify>('GET', '/admin/audit/verify'));
    } catch (e) {
      setFailure((e as Error).message);
    }
  }
  async function exportAll() {
    setFailure(null);
    try {
      const blob = await (await call('GET', '/ui/api/admin/audit/export')).blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `flambeau-audit-${new Date().toISOString().slice(0, 10)}.ndjson`;
      link.click();
      URL.revokeObjectURL(link.href);
      reload();
    } catch (e) {
      setFailure((e as Error).message);
    }
  }
  return (
    <Page title="Audit" question="Does the audit chain hold, and what happened last?">
      <Failure error={error ?? failure} />
      <div class="grid">
        <Card title="Chain">
          <div class="actions">
            <button type="button" onClick={check}>
              Verify the chain
            </button>
            <button type="button" onClick={exportAll}>
              Export (NDJSON)
            </button>
          </div>
          {verify === null ? null : verify.ok ? (
            <p role="status" class="ok" data-testid="audit-verify">
              <Badge kind="ok">intact</Badge> {verify.count} records{verify.head === null ? '' : `, head #${verify.head.seq} ${verify.head.hash.slice(0, 16)}…`}
            </p>
          ) : (
            <p role="alert" class="error" data-testid="audit-verify">
              <Badge kind="bad">broken</Badge> at record {verify.first_broken}: {verify.reason}
            </p>
          )}
        </Card>
        <Card title="Last records" wide>
          {data === null ? (
            <Loading />
          ) : (
            <Table
              caption="The last 50 audit records, newest first"
              head={['#', 'at (UTC)', 'type', 'what']}
              rows={data.data.map((r) => [String(r.seq), when(r.at), r.type, <code class="wrap">{summary(r)}</code>])}
            />
          )}
        </Card>
      </div>
    </Page>
  );
}
