/**
 * The document's title for the page shown: `<page> · Roster`, so tabs, history and screen readers tell
 * the pages apart. React 19 puts a rendered `<title>` in the document's head.
 */
export function PageTitle({ title }: { title: string }) {
  return <title>{`${title} · Roster`}</title>;
}
