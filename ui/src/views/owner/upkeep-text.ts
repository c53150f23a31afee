// English and Khmer for the upkeep parts of the Bakong tab: token renewal and where the token
// is kept, the owner PIN change, backups and the diagnostics bundle. Kept apart from ./text.ts
// so these screens and the other owner screens change without touching one shared table.
import { lang } from "../../i18n";

const en = {
  "up.store": "Kept in",
  "up.store.keyring": "the system keyring",
  "up.store.file": "a private file (no system keyring on this PC)",
  "up.renewNow": "Renew token now",
  "up.renewed": "Token renewed.",
  "up.renewHelp": "Renewal asks Bakong for a new token with the email registered in the settings.",
  "up.renewNoEmail": "Set the email registered with Bakong in the settings first.",
  "up.renewDemo": "Demo mode has no Bakong token to renew.",
  "up.renewRefused": "Bakong did not renew the token. The current token is kept.",
  "up.pin": "Owner PIN",
  "up.pinCurrent": "Current PIN",
  "up.pinNew": "New PIN",
  "up.pinRepeat": "New PIN again",
  "up.pinChange": "Change PIN",
  "up.pinChanged": "PIN changed.",
  "up.pinMismatch": "The two new PINs differ.",
  "up.backups": "Backups and support",
  "up.backupLast": "Last good backup",
  "up.backupNone": "none yet",
  "up.backupAttempt": "Last automatic backup",
  "up.backupOk": "verified",
  "up.backupFailed": "FAILED",
  "up.backupDir": "Folder",
  "up.backupKeep": "Kept (days)",
  "up.backupKeepAll": "all",
  "up.trigger.daily": "daily",
  "up.trigger.shift_close": "shift close",
  "up.diagnostics": "Export diagnostics",
  "up.diagnosticsHelp": "A zip for support: settings, versions, health and recent logs. Never the token or a PIN.",
  "up.diagnosticsSaved": "Saved to",
  "up.diagnosticsFailed": "The diagnostics file could not be written.",
};

export type UpkeepKey = keyof typeof en;

const km: Record<UpkeepKey, string> = {
  "up.store": "រក្សាទុកក្នុង",
  "up.store.keyring": "ឃ្លាំងសោរបស់ប្រព័ន្ធ",
  "up.store.file": "ឯកសារឯកជន (កុំព្យូទ័រនេះគ្មានឃ្លាំងសោប្រព័ន្ធ)",
  "up.renewNow": "បន្តសោសម្ងាត់ឥឡូវនេះ",
  "up.renewed": "បានបន្តសោសម្ងាត់។",
  "up.renewHelp": "ការបន្តស្នើសុំសោសម្ងាត់ថ្មីពីបាគង ដោយប្រើអ៊ីមែលដែលបានចុះឈ្មោះក្នុងការកំណត់។",
  "up.renewNoEmail": "សូមកំណត់អ៊ីមែលដែលបានចុះឈ្មោះជាមួយបាគងក្នុងការកំណត់ជាមុនសិន។",
  "up.renewDemo": "របៀបសាកល្បងគ្មានសោសម្ងាត់បាគងសម្រាប់បន្តទេ។",
  "up.renewRefused": "បាគងមិនបានបន្តសោសម្ងាត់ទេ។ សោសម្ងាត់បច្ចុប្បន្ននៅដដែល។",
  "up.pin": "លេខកូដសម្ងាត់ម្ចាស់ហាង",
  "up.pinCurrent": "លេខកូដបច្ចុប្បន្ន",
  "up.pinNew": "លេខកូដថ្មី",
  "up.pinRepeat": "លេខកូដថ្មីម្តងទៀត",
  "up.pinChange": "ប្តូរលេខកូដ",
  "up.pinChanged": "បានប្តូរលេខកូដ។",
  "up.pinMismatch": "លេខកូដថ្មីទាំងពីរមិនដូចគ្នាទេ។",
  "up.backups": "ការបម្រុងទុក និងជំនួយ",
  "up.backupLast": "ការបម្រុងទុកល្អចុងក្រោយ",
  "up.backupNone": "មិនទាន់មាន",
  "up.backupAttempt": "ការបម្រុងទុកស្វ័យប្រវត្តិចុងក្រោយ",
  "up.backupOk": "បានផ្ទៀងផ្ទាត់",
  "up.backupFailed": "បរាជ័យ",
  "up.backupDir": "ថត",
  "up.backupKeep": "រក្សាទុក (ថ្ងៃ)",
  "up.backupKeepAll": "ទាំងអស់",
  "up.trigger.daily": "ប្រចាំថ្ងៃ",
  "up.trigger.shift_close": "បិទវេន",
  "up.diagnostics": "នាំចេញព័ត៌មានវិនិច្ឆ័យ",
  "up.diagnosticsHelp": "ឯកសារ zip សម្រាប់ផ្នែកជំនួយ៖ ការកំណត់ កំណែ ស្ថានភាព និងកំណត់ហេតុថ្មីៗ។ មិនដែលមានសោសម្ងាត់ ឬលេខកូដទេ។",
  "up.diagnosticsSaved": "បានរក្សាទុកនៅ",
  "up.diagnosticsFailed": "មិនអាចសរសេរឯកសារវិនិច្ឆ័យបានទេ។",
};

/** The upkeep text for `key` in the current language. */
export function ut(key: UpkeepKey): string {
  return (lang() === "km" ? km : en)[key];
}
