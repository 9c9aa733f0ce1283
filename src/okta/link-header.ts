/** One link-value of a `Link` header (RFC 8288): its target and parameters, `rel` split into relation types. */
export interface Link {
  url: string;
  rel: string[];
  params: Record<string, string>;
}

/**
 * Parses `Link` headers. Okta sends one header per relation; HTTP clients may hand them over as an
 * array or joined with `, `. Targets are read up to the closing `>`, so commas and semicolons
 * inside a URL (Okta cursors and `filter=` queries can hold both) do not split a link.
 * https://www.rfc-editor.org/rfc/rfc8288#section-3
 */
export function parseLinkHeader(header: string | readonly string[] | undefined): Link[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap(parseOne);
}

/** The target of the first `rel="next"` link, as given (possibly relative), or undefined. */
export function nextLinkOf(header: string | readonly string[] | undefined): string | undefined {
  return parseLinkHeader(header).find((link) => link.rel.includes('next'))?.url;
}

function parseOne(text: string): Link[] {
  const links: Link[] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('<', index);
    if (open === -1) break;
    const close = text.indexOf('>', open + 1);
    if (close === -1) break;
    const url = text.slice(open + 1, close).trim();
    const params: Record<string, string> = {};
    index = close + 1;
    // Parameters: `; name=token` or `; name="quoted \" string"`, up to the comma that ends the link-value.
    for (;;) {
      index = skipWhitespace(text, index);
      if (text[index] !== ';') break;
      index = skipWhitespace(text, index + 1);
      const nameMatch = /^[^\s=;,]+/.exec(text.slice(index));
      if (!nameMatch) break;
      const name = nameMatch[0].toLowerCase();
      index = skipWhitespace(text, index + nameMatch[0].length);
      let value = '';
      if (text[index] === '=') {
        index = skipWhitespace(text, index + 1);
        if (text[index] === '"') {
          index++;
          while (index < text.length && text[index] !== '"') {
            if (text[index] === '\\') index++;
            value += text[index] ?? '';
            index++;
          }
          index++;
        } else {
          const token = /^[^\s;,]*/.exec(text.slice(index))?.[0] ?? '';
          value = token;
          index += token.length;
        }
      }
      // RFC 8288: only the first occurrence of a parameter counts.
      if (!(name in params)) params[name] = value;
    }
    const comma = text.indexOf(',', index);
    index = comma === -1 ? text.length : comma + 1;
    const rel = (params.rel ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((type) => type !== '');
    links.push({ url, rel, params });
  }
  return links;
}

function skipWhitespace(text: string, index: number): number {
  let position = index;
  while (position < text.length && /\s/.test(text[position] ?? '')) position++;
  return position;
}
