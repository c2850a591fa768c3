/**
 * Server-rendered HTML with every interpolated value escaped: text from sheets and mails is
 * hostile (`<script>`, `"><img onerror=…>`, `javascript:` links) and must render inert. Only
 * values made by `html` itself (or `raw`, for our own constant markup) pass unescaped.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** html`<p>${text}</p>`: every value escaped unless it is Html. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Our own constant markup, never data. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * A link target from data: only relative paths of our own console or http(s) URLs; anything else
 * (`javascript:`, `data:`) becomes '#'.
 */
export function safeHref(url: string): string {
  const u = url.trim();
  if (/^\/(?!\/)/.test(u)) return u;
  if (/^https?:\/\//i.test(u)) return u;
  return '#';
}
