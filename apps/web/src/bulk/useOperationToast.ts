import { bulkOperationTone, canRevert, operationOutcomeSentence } from '@roster/domain';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { type ToastTone, useToast } from '../components/Toasts';
import { isActive, kindLabel, STATUS_LABELS } from './operationLabels';
import type { BulkOperationView } from './types';

/** The query parameter of an operation's page that opens its revert's preview ("Undo"). */
export const REVERT_PARAM = 'revert';

/**
 * Operations already told about in a toast once finished (after Apply, after Close): the finished
 * notices do not tell them again.
 */
export const toldFinished = new Set<string>();

const TONES: Record<ReturnType<typeof bulkOperationTone>, ToastTone> = {
  neutral: 'neutral',
  progress: 'neutral',
  success: 'success',
  warning: 'warning',
  danger: 'danger',
};

/**
 * When an operation's toast is shown: after Apply, after Close of its panel, when it finished in the
 * background, or when it finished before the administrator's eyes (`watched`: only a toast of it
 * still open is brought up to date, as "… started" would otherwise stay up after it finished).
 */
export type OperationToastMoment = 'applied' | 'closed' | 'finished' | 'watched';

/**
 * The toast of an operation (issue 19 item 11), at one of its `OperationToastMoment`s. A finished
 * operation whose kind can be reverted and that changed someone offers "Undo": its page, with the
 * revert's preview open. A revert or retry `replacing` the operation it follows takes the place of
 * that one's toast (whose "Undo" is then done).
 */
export function useOperationToast() {
  const show = useToast();
  const navigate = useNavigate();
  return useCallback(
    (op: BulkOperationView, moment: OperationToastMoment, replacing?: { operationId: string }) => {
      const name = kindLabel(op.kind);
      const running = isActive(op.status);
      const page = `/admin/operations/${op.id}`;
      const actions = [
        { label: 'View', altText: `View the ${name} operation`, onSelect: () => void navigate(page) },
      ];
      if (!running && canRevert(op.kind) && op.counts.change > 0) {
        actions.unshift({
          label: 'Undo',
          altText: `Undo ${name}: open the revert's preview on the operation's page`,
          onSelect: () => void navigate(`${page}?${REVERT_PARAM}=1`),
        });
      }
      if (!running) toldFinished.add(op.id);
      show({
        key: `operation:${op.id}`,
        replaceOnly: moment === 'watched',
        ...(replacing ? { replacing: `operation:${replacing.operationId}` } : {}),
        title: running
          ? moment === 'closed'
            ? `${name} goes on in the background`
            : `${name} started`
          : `${name}: ${STATUS_LABELS[op.status].toLowerCase()}`,
        description: running
          ? 'You will be told here when it finishes, or by e-mail if you are away.'
          : operationOutcomeSentence(op),
        tone: TONES[bulkOperationTone(op.status, op.counts)],
        actions,
      });
    },
    [show, navigate],
  );
}
