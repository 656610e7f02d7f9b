import type { AccessLevel, Module, Right, UserStatus } from './catalog';

/** The words people read for the catalogue's values: the web app, the CLI and the results CSV say these. */
export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  created: 'Created',
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

export const MODULE_LABELS: Record<Module, string> = {
  portfolio: 'Portfolio',
  projects: 'Projects',
  resources: 'Resources',
  budget: 'Budget',
  applications: 'Apps',
  contracts: 'Contracts',
  suppliers: 'Suppliers',
  reporting: 'Reporting',
};

export const ACCESS_LEVEL_LABELS: Record<AccessLevel, string> = {
  none: 'No access',
  read: 'Read',
  edit: 'Edit',
};

export const RIGHT_LABELS: Record<Right, string> = {
  buyer: 'Buyer',
  budget_manager: 'Budget manager',
  data_export: 'Data export',
  team_manager: 'Team manager',
  referential_editor: 'Referential editor',
  timesheet_validator: 'Timesheet validator',
};

function isLabelled<K extends string>(labels: Record<K, string>, value: string): value is K {
  return Object.hasOwn(labels, value);
}

/** A label by a value that came as a string (a URL, a stored row): the value itself when unknown. */
export function labelOf<K extends string>(labels: Record<K, string>, value: string): string {
  return isLabelled(labels, value) ? labels[value] : value;
}
