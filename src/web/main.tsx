import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, json, setCsrf, whenSignedOut, type Session } from './api';
import { AuditPage } from './pages/audit';
import { EvalsPage } from './pages/evals';
import { KeysPage } from './pages/keys';
import { KnowledgePage } from './pages/knowledge';
import { ModelsPage } from './pages/models';
import { OverviewPage } from './pages/overview';
import { PlaygroundPage } from './pages/playground';
import { PrivacyPage } from './pages/privacy';
import { RoutingPage } from './pages/routing';

const PAGES = [
  { id: 'overview', label: 'Overview', admin: false },
  { id: 'routing', label: 'Routing', admin: true },
  { id: 'privacy', label: 'Privacy and injection', admin: true },
  { id: 'models', label: 'Models', admin: true },
  { id: 'keys', label: 'Keys and budgets', admin: true },
  { id: 'knowledge', label: 'Knowledge', admin: true },
  { id: 'audit', label: 'Audit', admin: true },
  { id: 'evals', label: 'Evaluations', admin: true },
  { id: 'playground', label: 'Playground', admin: false },
] as const;
type PageId = (typeof PAGES)[number]['id'];

const pageOf = (): PageId => {
  const id = location.hash.replace(/^#\/?/, '');
  return (PAGES.find((p) => p.id === id)?.id ?? 'overview') as PageId;
};

function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const session = await json<Session>('POST', '/ui/session', { key });
      setKey('');
      props.onSignedIn(session);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That key was refused.' : (err as Error).message);
    }
  }
  return (
    <main class="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          flambeau
        </h1>
        <p>Sign in with the master key for the whole dashboard, or with an API key to see your own usage and use the playground.</p>
        <label for="key">Key</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          autoFocus
          required
          value={key}
          onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit">Sign in</button>
        {error === null ? null : (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="muted small">The key stays on the server: the browser only holds a session cookie it cannot read.</p>
      </form>
    </main>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [page, setPage] = useState<PageId>(pageOf());
  const signedIn = (s: Session | null) => {
    setCsrf(s?.csrf_token ?? null);
    setSession(s);
  };
  useEffect(() => {
    json<Session>('GET', '/ui/session').then(signedIn, () => signedIn(null));
    const onHash = () => setPage(pageOf());
    addEventListener('hashchange', onHash);
    const off = whenSignedOut(() => signedIn(null));
    return () => (removeEventListener('hashchange', onHash), off());
  }, []);
  useEffect(() => {
    document.title = `${PAGES.find((p) => p.id === page)?.label ?? ''} · flambeau`;
    document.getElementById('page-title')?.focus();
  }, [page, session]);
  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={signedIn} />;
  const pages = PAGES.filter((p) => session.admin || !p.admin);
  const current = pages.some((p) => p.id === page) ? page : 'overview';
  async function signOut() {
    try {
      await json('DELETE', '/ui/session');
    } finally {
      signedIn(null);
    }
  }
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="Dashboard pages">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          flambeau
        </div>
        <ul>
          {pages.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} aria-current={p.id === current ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        <div class="who">
          <span>
            Signed in as <strong>{session.name}</strong>
            {session.admin ? ' (admin)' : ''}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main">
        {current === 'overview' ? <OverviewPage admin={session.admin} /> : null}
        {current === 'routing' ? <RoutingPage /> : null}
        {current === 'privacy' ? <PrivacyPage /> : null}
        {current === 'models' ? <ModelsPage /> : null}
        {current === 'keys' ? <KeysPage /> : null}
        {current === 'knowledge' ? <KnowledgePage /> : null}
        {current === 'audit' ? <AuditPage /> : null}
        {current === 'evals' ? <EvalsPage /> : null}
        {current === 'playground' ? <PlaygroundPage /> : null}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
