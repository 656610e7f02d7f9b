/** The sentence to show for a failed call: the API's own message for refusals. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
