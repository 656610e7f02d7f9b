import { useCallback } from 'react';
import { type NavigateOptions, useNavigate } from 'react-router';

/**
 * Changes the URL's query starting from its latest value. React Router's own updater
 * (`setSearchParams(current => …)`) is handed the query of the last render: two changes made before
 * the next render (two days typed one after the other on a busy machine, a search while a panel
 * closes) lose the first. The browser's history already holds the latest, so each change starts there.
 */
export function useUpdateSearchParams() {
  const navigate = useNavigate();
  return useCallback(
    (update: (current: URLSearchParams) => URLSearchParams, options?: NavigateOptions) =>
      void navigate(`?${update(new URLSearchParams(window.location.search))}`, options),
    [navigate],
  );
}
