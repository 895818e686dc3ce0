import { useState } from 'preact/hooks';
import { gw, num } from '../api';
import { Card, Failure, Loading, Page, Plot, Stat, Table, useData, WindowPicker } from '../ui';

interface Privacy {
  findings: Array<{ type: string; action: string; count: number }>;
  series: Array<{ t: number; findings: number; injections: number; blocked: number }>;
  seriesByType: Array<{ type: string; counts: number[] }>;
  injections: Array<{ source: string; count: number }>;
  blocked: number;
  requests: number;
}

export function PrivacyPage() {
  const [window, setWindow] = useState('24h');
  const { data, error } = useData(() => gw<Privacy>('GET', `/admin/dashboard/privacy?window=${window}`), [window]);
  return (
    <Page
      title="Privacy and injection"
      question="What personal data and injections did the guards catch, and what did they do? (Counts only, never values.)"
      actions={<WindowPicker value={window} onChange={setWindow} />}
    >
      <Failure error={error} />
      {data === null ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat label="findings" value={num(data.findings.reduce((s, f) => s + f.count, 0))} testid="privacy-findings" />
            <Stat label="injections reported" value={num(data.injections.reduce((s, f) => s + f.count, 0))} />
            <Stat label="requests blocked by a policy" value={num(data.blocked)} />
            <Stat label="requests logged" value={num(data.requests)} />
          </div>
          <div class="grid">
            <Card title="Findings by type over time">
              {data.seriesByType.length === 0 ? (
                <p class="muted">Nothing found in this window.</p>
              ) : (
                <Plot
                  label="Personal data found over time, by type"
                  times={data.series.map((p) => p.t)}
                  series={data.seriesByType.slice(0, 5).map((s) => ({ name: s.type, values: s.counts }))}
                />
              )}
            </Card>
            <Card title="Findings, injections and blocks over time">
              <Plot
                label="Privacy findings, injections and blocked requests over time"
                times={data.series.map((p) => p.t)}
                series={[
                  { name: 'findings', values: data.series.map((p) => p.findings) },
                  { name: 'injections', values: data.series.map((p) => p.injections) },
                  { name: 'blocked', values: data.series.map((p) => p.blocked) },
                ]}
              />
            </Card>
            <Card title="Findings by type and action">
              <Table
                caption="Personal data found, by type and action"
                head={['type', 'action', 'count']}
                rows={data.findings.map((f) => [f.type, f.action, num(f.count)])}
                empty="Nothing found in this window."
              />
            </Card>
            <Card title="Injections by source">
              <Table
                caption="Prompt injections by source"
                head={['source', 'count']}
                rows={data.injections.map((f) => [f.source, num(f.count)])}
                empty="No injection reported in this window."
              />
            </Card>
          </div>
        </>
      )}
    </Page>
  );
}
