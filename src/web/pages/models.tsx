import { useState } from 'preact/hooks';
import { bytes, gw, when } from '../api';
import { Badge, Card, Failure, Loading, Page, Table, useData } from '../ui';

interface Model {
  name: string;
  provider: string;
  locality: string;
  loaded: boolean | null;
  detail: string | null;
  diskBytes: number | null;
  licence: { ids: string[]; allowed: boolean; reasons: string[]; use: string } | null;
  versions: {
    current: number;
    previous: number | null;
    canary: number | null;
    canaryPercent: number | null;
    list: Array<{ version: number; sha256: string; createdAt: number; sizeBytes: number | null }>;
  } | null;
}

export function ModelsPage() {
  const { data, error, reload } = useData(() => gw<{ data: Model[] }>('GET', '/admin/model-versions'));
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  async function act(what: string, path: string, body?: unknown) {
    setFailure(null);
    try {
      await gw('POST', path, body);
      setStatus(what);
      reload();
    } catch (e) {
      setFailure((e as Error).message);
    }
  }
  return (
    <Page title="Models" question="Which models are served, where do they run, are they loaded, and which version answers?">
      <Failure error={error ?? failure} />
      {status === null ? null : (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {data === null ? (
        <Loading />
      ) : (
        <Card title="Served models" wide>
          <Table
            caption="Served models"
            testid="models-table"
            head={['model', 'locality', 'loaded', 'licence', 'disk', 'versions']}
            rows={data.data.map((m) => [
              <span>
                <strong class="nowrap">{m.name}</strong>
                <br />
                <small class="muted">{m.provider}</small>
              </span>,
              <Badge kind={m.locality}>{m.locality}</Badge>,
              m.loaded === null ? '–' : m.loaded ? <Badge kind="ok">loaded</Badge> : <Badge>not loaded</Badge>,
              m.licence === null ? (
                <span class="muted">not a local file</span>
              ) : (
                <span title={m.licence.reasons.join('; ')}>
                  {m.licence.ids.join(' + ') || 'licence not stated'}{' '}
                  <Badge kind={m.licence.allowed ? 'ok' : 'bad'}>{m.licence.allowed ? `ok for ${m.licence.use} use` : `not for ${m.licence.use} use`}</Badge>
                </span>
              ),
              <span class="nowrap">{bytes(m.diskBytes)}</span>,
              m.versions === null ? (
                <span class="muted">{m.locality === 'device' ? 'one file, no versions' : 'served upstream'}</span>
              ) : (
                <Versions model={m} act={act} />
              ),
            ])}
          />
        </Card>
      )}
    </Page>
  );
}

function Versions(props: { model: Model; act: (what: string, path: string, body?: unknown) => void }) {
  const v = props.model.versions;
  if (v === null) return null;
  const name = props.model.name;
  const path = (verb: string) => `/admin/model-versions/${encodeURIComponent(name)}/${verb}`;
  return (
    <ul class="versions">
      {v.list.map((x) => (
        <li key={x.version}>
          <span>
            v{x.version}{' '}
            <small class="muted">
              {x.sha256.slice(0, 12)} · {when(x.createdAt)}
            </small>{' '}
            {x.version === v.current ? <Badge kind="ok">current</Badge> : null}
            {x.version === v.canary ? <Badge kind="warn">canary {v.canaryPercent}%</Badge> : null}
          </span>
          {x.version === v.current ? null : (
            <span class="row-actions">
              <button
                type="button"
                onClick={() => props.act(`${name} v${x.version} promoted`, path('promote'), { version: x.version })}
                aria-label={`Promote ${name} version ${x.version}`}
              >
                Promote
              </button>
              <button
                type="button"
                onClick={() => props.act(`${name} v${x.version} is a 10% canary`, path('canary'), { version: x.version, percent: 10 })}
                aria-label={`Canary ${name} version ${x.version} at 10 percent`}
              >
                Canary 10%
              </button>
            </span>
          )}
        </li>
      ))}
      {v.previous === null && v.canary === null ? null : (
        <li>
          <button type="button" onClick={() => props.act(`${name} rolled back`, path('rollback'))} aria-label={`Roll back ${name}`}>
            Roll back{v.canary === null ? ` to v${v.previous}` : ' the canary'}
          </button>
        </li>
      )}
    </ul>
  );
}
