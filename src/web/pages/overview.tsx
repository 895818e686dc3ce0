import { useState } from 'preact/hooks';
import { json, msPair, num, usd } from '../api';
import { Card, Failure, Loading, Page, Plot, Split, Stat, Table, useData, WindowPicker } from '../ui';

interface Overview {
  series: Array<{ t: number; requests: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number }>;
  totals: { requests: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number };
  by_locality: Record<string, number>;
  local_share: number | null;
  cost_avoided: { usd: number; byRoute: Array<{ route: string; model: string; usd: number }> };
  latency_ms: { p50: number | null; p95: number | null };
  ttft_ms: { p50: number | null; p95: number | null };
  errors_by_code: Array<{ code: string; count: number }>;
}

export function OverviewPage(props: { admin: boolean }) {
  const [window, setWindow] = useState('24h');
  const path = props.admin ? `/ui/api/admin/dashboard/overview?window=${window}` : `/ui/own/overview?window=${window}`;
  const { data, error, reload } = useData(() => json<Overview>('GET', path), [path]);
  return (
    <Page
      title="Overview"
      question={props.admin ? 'How much work did the gateway do, where did it run, and what did it cost?' : 'Your own usage with this key.'}
      actions={
        <div class="actions">
          <WindowPicker value={window} onChange={setWindow} />
          <button type="button" onClick={reload}>
            Refresh
          </button>
        </div>
      }
    >
      <Failure error={error} />
      {data === null ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat label="requests" value={num(data.totals.requests)} testid="overview-requests" />
            <Stat label="tokens in / out" value={`${num(data.totals.inputTokens)} / ${num(data.totals.outputTokens)}`} testid="overview-tokens" />
            <Stat label="cost" value={usd(data.totals.costUsd)} />
            <Stat
              label="cloud cost avoided"
              value={usd(data.cost_avoided.usd)}
              hint="local answers priced at the route's cloud model"
              testid="overview-avoided"
            />
            <Stat label="errors" value={num(data.totals.errors)} testid="overview-errors" />
            <Stat label="latency p50 / p95" value={msPair(data.latency_ms.p50, data.latency_ms.p95)} />
            <Stat label="first token p50 / p95" value={msPair(data.ttft_ms.p50, data.ttft_ms.p95)} hint="streamed answers" />
          </div>
          <div class="grid">
            <Card title="Requests and errors">
              <Plot
                label="Requests and errors over time"
                times={data.series.map((p) => p.t)}
                series={[
                  { name: 'requests', values: data.series.map((p) => p.requests) },
                  { name: 'errors', values: data.series.map((p) => p.errors) },
                ]}
              />
            </Card>
            <Card title="Tokens">
              <Plot
                label="Tokens over time"
                times={data.series.map((p) => p.t)}
                series={[
                  { name: 'input', values: data.series.map((p) => p.inputTokens) },
                  { name: 'output', values: data.series.map((p) => p.outputTokens) },
                ]}
              />
            </Card>
            <Card title="Cost (USD)">
              <Plot label="Cost over time" times={data.series.map((p) => p.t)} series={[{ name: 'cost', values: data.series.map((p) => p.costUsd) }]} />
            </Card>
            <Card title="Where answers ran">
              <Split
                label="Requests by locality"
                parts={[
                  { name: 'device', value: data.by_locality.device ?? 0, cls: 'device' },
                  { name: 'LAN', value: data.by_locality.lan ?? 0, cls: 'lan' },
                  { name: 'cloud', value: data.by_locality.cloud ?? 0, cls: 'cloud' },
                ]}
              />
              <Table
                caption="Cloud cost avoided by route"
                head={['route', 'priced at', 'avoided']}
                rows={data.cost_avoided.byRoute.map((r) => [r.route, r.model, usd(r.usd)])}
                empty="No local answer on a route with a priced cloud target yet."
              />
            </Card>
            <Card title="Errors by code">
              <Table
                caption="Errors by code"
                head={['code', 'count']}
                rows={data.errors_by_code.map((e) => [e.code, num(e.count)])}
                empty="No errors in this window."
              />
            </Card>
          </div>
        </>
      )}
    </Page>
  );
}
