import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';

/** Loads `load()` on mount and whenever `deps` change; `reload` asks again. */
export function useData<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [turn, ...deps]);
  return { data, error, reload: () => setTurn((t) => t + 1) };
}

export function Page(props: { title: string; question: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section aria-labelledby="page-title">
      <header class="page-head">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            {props.title}
          </h1>
          <p class="question">{props.question}</p>
        </div>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function Card(props: { title: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <article class={props.wide === true ? 'card wide' : 'card'} aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
    </article>
  );
}

export function Stat(props: { label: string; value: string; hint?: string; testid?: string }) {
  return (
    <div class="stat">
      <div class="stat-value" data-testid={props.testid}>
        {props.value}
      </div>
      <div class="stat-label">{props.label}</div>
      {props.hint === undefined ? null : <div class="stat-hint">{props.hint}</div>}
    </div>
  );
}

export function Failure(props: { error: string | null }) {
  return props.error === null ? null : (
    <p class="error" role="alert">
      {props.error}
    </p>
  );
}

export const Loading = () => (
  <p class="muted" aria-live="polite">
    Loading…
  </p>
);

/** A horizontal bar of `value` against `max` (spend against a budget, a share). */
export function Bar(props: { value: number; max: number; label: string }) {
  const share = props.max <= 0 ? 0 : Math.min(1, props.value / props.max);
  return (
    <div class={share >= 0.9 ? 'bar hot' : 'bar'} role="meter" aria-label={props.label} aria-valuemin={0} aria-valuemax={props.max} aria-valuenow={props.value}>
      <div class="bar-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
    </div>
  );
}

/** A share split (device / LAN / cloud) as one stacked bar with a legend. */
export function Split(props: { parts: Array<{ name: string; value: number; cls: string }>; label: string }) {
  const total = props.parts.reduce((s, p) => s + p.value, 0);
  return (
    <div>
      <div class="split" role="img" aria-label={`${props.label}: ${props.parts.map((p) => `${p.name} ${p.value}`).join(', ')}`}>
        {props.parts.map((p) =>
          p.value === 0 ? null : <div key={p.name} class={`split-part ${p.cls}`} style={{ width: `${((p.value / total) * 100).toFixed(1)}%` }} />,
        )}
      </div>
      <ul class="legend">
        {props.parts.map((p) => (
          <li key={p.name}>
            <span class={`swatch ${p.cls}`} aria-hidden="true" /> {p.name}: {p.value} ({total === 0 ? 0 : Math.round((p.value / total) * 100)}%)
          </li>
        ))}
      </ul>
    </div>
  );
}

const COLORS = ['#2f6fde', '#e0703a', '#2a9d5b', '#9b4dca', '#c73b5a'];

/** A time-series plot (uPlot) with a text summary for screen readers. */
export function Plot(props: { label: string; times: number[]; series: Array<{ name: string; values: number[] }>; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const width = Math.max(280, el.clientWidth || 560);
    const plot = new uPlot(
      {
        width,
        height: props.height ?? 180,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        // An empty window shows 0 to 1, not uPlot's default 0 to 100.
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ stroke: '#667' }, { stroke: '#667', size: 56 }],
        series: [{}, ...props.series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2, fill: `${COLORS[i % COLORS.length]}22` }))],
      },
      [props.times.map((t) => t / 1000), ...props.series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [JSON.stringify(props.series), JSON.stringify(props.times)]);
  const totals = props.series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0).toLocaleString('en', { maximumFractionDigits: 4 })}`).join(', ');
  return (
    <figure class="plot">
      <div ref={box} aria-hidden="true" />
      <figcaption class="sr-only">
        {props.label}, totals over the window: {totals}
      </figcaption>
    </figure>
  );
}

export function Table(props: { caption: string; head: string[]; rows: ComponentChildren[][]; empty?: string; testid?: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty ?? 'Nothing yet.'}</p>;
  return (
    <div class="table-wrap">
      <table data-testid={props.testid}>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function WindowPicker(props: { value: string; onChange: (w: string) => void }) {
  return (
    <label class="window">
      Window{' '}
      <select value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="1h">last hour</option>
        <option value="24h">last 24 hours</option>
        <option value="7d">last 7 days</option>
        <option value="30d">last 30 days</option>
      </select>
    </label>
  );
}

export const Badge = (props: { children: ComponentChildren; kind?: string; label?: string }) => (
  <span class={`badge ${props.kind ?? ''}`} aria-label={props.label}>
    {props.children}
  </span>
);
