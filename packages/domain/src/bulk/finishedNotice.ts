import { BULK_OPERATION_KINDS } from '../catalog';

/**
 * How an administrator learns that an operation they started has finished (issue 19 item 11): the web
 * app asks every FINISHED_POLL_MS, wherever they are in it, and each ask records that they are there
 * (at most every PRESENCE_WRITE_INTERVAL_MS, on their session). An administrator whose app has not
 * asked for AWAY_AFTER_MS when a background operation of theirs finishes is away: it is e-mailed to them.
 */
export const FINISHED_POLL_MS = 15_000;

/** A session's last-seen time is written at most this often (each poll would be a write otherwise). */
export const PRESENCE_WRITE_INTERVAL_MS = 30_000;

/**
 * Longer than a poll plus a presence write, and than a browser's throttling of a background tab's
 * timers (once a minute): an administrator whose app polls is never taken for away.
 */
export const AWAY_AFTER_MS = 2 * 60_000;

/**
 * The kinds whose finish is told to the administrator who started them: all but what an identity
 * provider wrote through SCIM (on its token owner's name, whole inside one request: nobody waits).
 */
export const TOLD_WHEN_FINISHED_KINDS = BULK_OPERATION_KINDS.filter((kind) => kind !== 'scim');
