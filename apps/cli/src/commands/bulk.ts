import type { Command } from 'commander';
import { addBulkApplyCommands } from './bulkApply';
import { addBulkFollowUpCommands } from './bulkFollowUp';
import { addBulkListCommand } from './bulkList';
import { addBulkResultsCommand } from './bulkResults';
import { addBulkStatusCommand } from './bulkStatus';

/** `roster bulk …`: the seven operations, the operations already run, their revert and retry. */
export function addBulkCommand(program: Command): void {
  const bulk = program
    .command('bulk')
    .description('bulk operations on users: run one, follow it, read its results, list the history');
  addBulkApplyCommands(bulk);
  addBulkFollowUpCommands(bulk);
  addBulkStatusCommand(bulk);
  addBulkResultsCommand(bulk);
  addBulkListCommand(bulk);
}
