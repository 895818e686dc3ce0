import { gw, num, usd, when } from '../api';
import { Card, Failure, Loading, Page, Table, useData } from '../ui';

interface EvalRun {
  id: string;
  kind: string;
  source: string;
  models: string[];
  started_at: string;
  cases: number;
  pass_counts: Array<{ model: string; cases: number; passed: number }>;
}
interface ShadowGroup {
  route: string;
  localModel: string;
  referenceModel: string;
  comparisons: number;
  agreement: number | null;
  localAsGood: number | null;
  savedUsd: number;
  couldSaveUsd: number;
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);

export function EvalsPage() {
  const runs = useData(() => gw<{ data: EvalRun[] }>('GET', '/admin/evals'));
  const shadow = useData(() => gw<{ data: ShadowGroup[] }>('GET', '/admin/dashboard/shadow'));
  return (
    <Page title="Evaluations" question="How do the models score on suites, and how do local answers compare with the cloud's on live traffic?">
      <Failure error={runs.error ?? shadow.error} />
      <div class="grid">
        <Card title="Eval runs">
          {runs.data === null ? (
            <Loading />
          ) : (
            <Table
              caption="Stored eval runs"
              head={['run', 'kind', 'suite', 'passed per model', 'started (UTC)']}
              rows={runs.data.data.map((r) => [
                <code>{r.id}</code>,
                r.kind,
                r.source,
                <ul class="plain">
                  {r.pass_counts.map((m) => (
                    <li key={m.model}>
                      {m.model}: {m.passed}/{m.cases} ({pct(m.cases === 0 ? null : m.passed / m.cases)})
                    </li>
                  ))}
                </ul>,
                when(r.started_at),
              ])}
              empty="No eval run stored: flambeau eval run builtin:smoke --store"
            />
          )}
        </Card>
        <Card title="Shadow reports (30 days)">
          {shadow.data === null ? (
            <Loading />
          ) : (
            <Table
              caption="Shadow comparisons per route and model pair"
              head={['route', 'local vs reference', 'compared', 'agreement', 'local as good', 'saved', 'could save']}
              rows={shadow.data.data.map((g) => [
                g.route,
                `${g.localModel} vs ${g.referenceModel}`,
                num(g.comparisons),
                pct(g.agreement),
                pct(g.localAsGood),
                usd(g.savedUsd),
                usd(g.couldSaveUsd),
              ])}
              empty="No shadow comparison: add a shadow: rule to flambeau.yaml."
            />
          )}
        </Card>
      </div>
    </Page>
  );
}
