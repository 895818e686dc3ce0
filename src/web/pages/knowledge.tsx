import { useState } from 'preact/hooks';
import { bytes, gw, num, when } from '../api';
import { Card, Failure, Loading, Page, Table, useData } from '../ui';

interface Collection {
  name: string;
  files: number;
  documents: number;
  chunks: number;
  bytes: number;
  last_ingest_at: string | null;
  shareable: boolean;
}
interface Hit {
  id: number;
  collection: string;
  text: string;
  score: number;
  citation: { path: string; page: number | null; heading: string | null };
}

export function KnowledgePage() {
  const { data, error } = useData(() => gw<{ embedder: string | null; data: Collection[] }>('GET', '/admin/knowledge/collections'));
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  async function search(e: Event) {
    e.preventDefault();
    setFailure(null);
    try {
      const names = (data?.data ?? []).map((c) => c.name);
      const found = await gw<{ data: Hit[] }>('POST', '/v1/knowledge/search', { query, collections: names, k: 5 });
      setHits(found.data);
    } catch (err) {
      setFailure((err as Error).message);
    }
  }
  return (
    <Page title="Knowledge" question="What private knowledge can the models draw on, and what does a question find in it?">
      <Failure error={error ?? failure} />
      {data === null ? (
        <Loading />
      ) : (
        <div class="grid">
          <Card title="Collections" wide>
            <p>
              Embedding model: <strong>{data.embedder ?? 'none (full-text search only)'}</strong>
            </p>
            <Table
              caption="Knowledge collections"
              head={['collection', 'files', 'chunks', 'size', 'last ingest', 'shareable']}
              rows={data.data.map((c) => [c.name, num(c.files), num(c.chunks), bytes(c.bytes), when(c.last_ingest_at), c.shareable ? 'yes' : 'no'])}
              empty="No collection yet: flambeau ingest --collection NAME PATH"
            />
          </Card>
          <Card title="Search" wide>
            <form onSubmit={search} class="inline-form">
              <label>
                Question{' '}
                <input type="search" required value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} name="knowledge-query" />
              </label>
              <button type="submit" disabled={data.data.length === 0}>
                Search all collections
              </button>
            </form>
            {hits === null ? null : hits.length === 0 ? (
              <p class="muted">Nothing relevant found.</p>
            ) : (
              <ol class="hits" aria-label="Search hits" data-testid="knowledge-hits">
                {hits.map((h, i) => (
                  <li key={h.id}>
                    <p>{h.text.length > 400 ? `${h.text.slice(0, 400)}…` : h.text}</p>
                    <cite>
                      [{i + 1}] {h.collection} · {h.citation.path}
                      {h.citation.page === null ? '' : `, page ${h.citation.page}`}
                      {h.citation.heading === null ? '' : ` · ${h.citation.heading}`} · score {h.score.toFixed(3)}
                    </cite>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      )}
    </Page>
  );
}
