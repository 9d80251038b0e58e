import type { Store } from '../store/index.ts';
import type { SettingField } from '../plugins/api.ts';
import { keyLabel, validatedOrDefaults } from './read.ts';

/** Who may create their own account at /register: nobody (only admins create accounts), anyone, or anyone once an admin approves. */
export const registrationModes = ['nobody', 'open', 'approval'] as const;
export type RegistrationMode = (typeof registrationModes)[number];

/** Accounts (/admin/config/accounts). */
export interface AccountsSettings {
  registration: RegistrationMode;
}

export const accountsDefaults: AccountsSettings = { registration: 'nobody' };

export function accountsFields(label: (key: string) => { en: string; fr: string }): SettingField[] {
  const L = (k: string) => label(`admin.config.accounts.${k}`);
  return [
    {
      key: 'registration',
      type: 'select',
      required: true,
      label: L('registration'),
      help: L('registration_help'),
      options: registrationModes.map((value) => ({ value, label: L(`registration_${value}`) })),
      default: accountsDefaults.registration,
    },
  ];
}

const readFields = accountsFields(keyLabel);

export async function readAccountsSettings(store: Store): Promise<AccountsSettings> {
  return validatedOrDefaults(readFields, await store.settings.get('accounts')) as unknown as AccountsSettings;
}
