/** Most distinct e-mail addresses one pasted list may hold ("select users from a pasted list"). */
export const EMAIL_LIST_MAX = 10_000;
/** Most characters of a pasted list: room for EMAIL_LIST_MAX long addresses with names around them. */
export const EMAIL_LIST_MAX_CHARS = 2_000_000;
