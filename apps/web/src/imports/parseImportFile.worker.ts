import '../lib/strictCsp';
import { parseImportBytes } from '@roster/client/imports';
import { readParseImportRequest } from './parseImportRequest';

/** Parses a large import file off the main thread, so the page keeps answering while it runs. */
addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = readParseImportRequest(event.data);
  if (!request) return;
  postMessage(parseImportBytes(request.bytes, request.mapping ? { mapping: request.mapping } : {}));
});
