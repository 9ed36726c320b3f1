/**
 * Search highlights are HTML a client may insert as it is: the excerpt's text HTML-escaped, with
 * the matched words in `<mark>…</mark>`, the only tags. PostgreSQL's ts_headline writes raw text
 * (and drops whatever its parser takes for an HTML tag), so it is asked to mark with control
 * characters instead, which stored text never holds (the text rule, packages/contracts/src/text-rule.ts,
 * refuses every C0 control but tab, line feed and carriage return), and the HTML is made here.
 */
export const HEADLINE_MARKS = {
  /** Stands for `<` in the text given to ts_headline, so that no part of it reads as a tag. */
  lessThan: "\u0004",
  start: "\u0002",
  stop: "\u0003",
  fragmentDelimiter: "\u0001",
} as const;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** ts_headline's answer (with HEADLINE_MARKS) as highlights: one HTML excerpt per fragment. */
export function highlightsFromHeadline(headline: string): string[] {
  return headline
    .split(HEADLINE_MARKS.fragmentDelimiter)
    .filter((fragment) => fragment.length > 0)
    .map((fragment) =>
      escapeHtml(fragment.replaceAll(HEADLINE_MARKS.lessThan, "<"))
        .replaceAll(HEADLINE_MARKS.start, "<mark>")
        .replaceAll(HEADLINE_MARKS.stop, "</mark>"),
    );
}
