import { Portal, Toast } from 'radix-ui';
import {
  createContext,
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useContext,
  useRef,
  useState,
} from 'react';
import { CloseIcon } from './CloseIcon';

/** A button of a toast: `altText` says what it does to someone who cannot reach it in time (Radix). */
export type ToastAction = { label: string; altText: string; onSelect: () => void };

export type ToastTone = 'success' | 'warning' | 'danger' | 'neutral';

export type ToastMessage = {
  /** A toast shown with the key of one still open replaces it (an operation's toasts follow it). */
  key: string;
  /** Only replace the toast of this key if it is still open: shown nowhere else (what was said has changed). */
  replaceOnly?: boolean;
  /** The key of a toast this one takes the place of: it goes (what it offered is no longer to do). */
  replacing?: string;
  title: string;
  description?: string;
  tone?: ToastTone;
  actions?: ToastAction[];
};

type Shown = ToastMessage & { seq: number };

const TONES: Record<ToastTone, string> = {
  success: 'border-l-emerald-600',
  warning: 'border-l-amber-500',
  danger: 'border-l-rose-600',
  neutral: 'border-l-slate-400',
};

const ShowToast = createContext<(message: ToastMessage) => void>(() => {});

/** Shows a toast: `useToast()({ key, title, description, actions })`. */
export function useToast() {
  return useContext(ShowToast);
}

/**
 * Escapes pressed outside the toasts while a toast was Radix's top layer. Radix gives Escape to the
 * layer opened last, and a toast shown over an open drawer or panel (after Apply, after Close) is
 * that layer: it would take the Escape meant for the dialog the administrator is working in.
 */
const passedOn = new WeakSet<Event>();

/**
 * Props for a dialog's content that takes the Escape a toast on top of it passes on: it closes (once:
 * the dialog nearest the focus takes it), as Radix closes the top dialog when no toast is shown. The
 * mark tells the toasts which Escapes have a taker; any other Escape stays the toast's, as in Radix.
 */
export function closeOnEscapePassedOn(close: () => void) {
  return {
    'data-takes-escape': '',
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key === 'Escape' && passedOn.delete(event.nativeEvent)) close();
    },
  };
}

/**
 * The Admin app's toasts (issue 19 item 11), on Radix Toast, at the bottom left (beside, not over,
 * the mass-operation panel on the right and its Close button): announced in a live region, paused while
 * hovered or focused, F8 takes the keyboard to them (their buttons are then a Tab away), Escape
 * there, a swipe or the close button dismisses one; an Escape pressed elsewhere is never a toast's.
 * A toast with an action stays longer: there is something to do.
 */
export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Shown[]>([]);
  const seq = useRef(0);
  const show = useCallback((message: ToastMessage) => {
    seq.current += 1;
    const next = { ...message, seq: seq.current };
    setToasts((list) =>
      message.replaceOnly && !list.some((t) => t.key === message.key)
        ? list
        : [...list.filter((t) => t.key !== message.key && t.key !== message.replacing), next].slice(-4),
    );
  }, []);
  const remove = (removed: number) => setToasts((list) => list.filter((t) => t.seq !== removed));
  const viewport = useRef<HTMLOListElement>(null);
  // An Escape pressed in a dialog that takes it (`closeOnEscapePassedOn`: the drawer, the panel, New
  // user) is that dialog's; anywhere else — the toasts themselves (F8, then Escape), a popover
  // portalled out of the dialog, a dialog that does not take it — Radix dismisses the toast as ever.
  // A toast also goes with its close button, a swipe or its time.
  const passOnEscape = (event: globalThis.KeyboardEvent) => {
    if (event.target instanceof Node && viewport.current?.contains(event.target)) return;
    if (!(event.target instanceof Element) || !event.target.closest('[data-takes-escape]')) return;
    event.preventDefault();
    passedOn.add(event);
  };
  return (
    <Toast.Provider swipeDirection="left" label="Notification">
      <ShowToast.Provider value={show}>{children}</ShowToast.Provider>
      {toasts.map((t) => (
        <Toast.Root
          key={t.seq}
          onOpenChange={(open) => {
            if (!open) remove(t.seq);
          }}
          duration={t.actions?.length ? 15_000 : 8_000}
          onEscapeKeyDown={passOnEscape}
          // Radix takes pointer events from every layer below an open modal (inline, over any class),
          // and a dialog that renders again registers as the top layer anew: a toast shown over the
          // mass-operation panel lost its Undo. A toast always takes the pointer (its list is a
          // branch of the dialogs' layers: clicking it dismisses none of them).
          style={{ pointerEvents: 'auto' }}
          data-testid="toast"
          data-toast-key={t.key}
          className={`grid grid-cols-[minmax(0,1fr)_auto] items-start gap-x-3 gap-y-1 rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-lg focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 data-[swipe=end]:-translate-x-full ${TONES[t.tone ?? 'neutral']}`}
        >
          <Toast.Title className="text-sm font-semibold text-slate-900 [overflow-wrap:anywhere]">
            {t.title}
          </Toast.Title>
          <Toast.Close
            aria-label="Dismiss"
            className="row-span-2 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            <CloseIcon className="h-4 w-4" />
          </Toast.Close>
          {t.description && (
            <Toast.Description className="text-sm text-slate-600">{t.description}</Toast.Description>
          )}
          {t.actions && t.actions.length > 0 && (
            <div className="col-span-2 mt-2 flex gap-2">
              {t.actions.map((action) => (
                <Toast.Action key={action.label} altText={action.altText} asChild>
                  <button
                    type="button"
                    onClick={action.onSelect}
                    className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-600"
                  >
                    {action.label}
                  </button>
                </Toast.Action>
              ))}
            </div>
          )}
        </Toast.Root>
      ))}
      {/* On top of the page's layers (the mass-operation panel's overlay too): Undo stays reachable. */}
      <Portal.Root>
        <Toast.Viewport
          ref={viewport}
          label="Notifications ({hotkey})"
          className="pointer-events-none fixed bottom-0 left-0 z-[60] m-0 flex w-full max-w-xs list-none flex-col gap-2 p-4 outline-none"
        />
      </Portal.Root>
    </Toast.Provider>
  );
}
