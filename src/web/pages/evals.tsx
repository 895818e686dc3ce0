import { gw, num, usd, when } from '../api';
import { Card, Failure, Loading, Page, Table, useData } from '../ui';

interface EvalRun {
  id: string;
  suite?: string;
  created_at?: string;
  [k: string]: unknown;
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
              head={['run', 'suite', 'model', 'score', 'when']}
              rows={runs.data.data.map((r) => [
                r.id,
                String(r.suite ?? '–'),
                String(r.model ?? r.target ?? '–'),
                typeof r.score === 'number' ? r.score.toFixed(3) : typeof r.pass_rate === 'number' ? pct(r.pass_rate) : '–',
                when(r.created_at ?? null),
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
