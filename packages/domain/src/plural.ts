/** "1 user", "2,048 users": a count (grouped as English writes it) with the word that fits it (web, CLI, domain sentences). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
