// English and Khmer for every word on screen, switchable at run time. Elements carry
// `data-i18n="key"` and are re-labelled by `applyLanguage`; code that builds text calls `t`.
// The current language lives here and nowhere else. Its one stored copy is the owner's setting
// (config.toml): main.ts applies it at start and a saved settings form applies it again; the
// quick switches change it for this run only. Views re-render through `onLanguageChange`.

export type Lang = "en" | "km";

const en = {
  "app.title": "KHQR POS",
  "nav.counter": "Counter",
  "demo.banner": "DEMO — no real money moves",
  "lang.switch": "ភាសាខ្មែរ",
  "entry.amount": "Amount",
  "entry.note": "Note (optional)",
  "entry.charge": "Charge",
  "entry.clear": "Clear",
  "entry.switch": "Switch currency",
  "entry.hint": "Type the amount, press Enter",
  "problem.khrNoDecimals": "Riel has no decimals",
  "problem.usdTwoDecimals": "Dollars take at most 2 decimals",
  "problem.tooLong": "That amount is too long",
  "problem.overMax": "Over the shop's maximum of",
  "error.amount_invalid": "That amount cannot be charged",
  "error.busy": "Please wait, the previous request is still running",
  "error.unexpected": "Something went wrong",
  "sale.scan": "Scan with any Bakong bank app",
  "sale.waiting": "Waiting for payment",
  "sale.timeLeft": "Time left",
  "sale.bill": "Bill",
  "sale.atShopRate": "at the shop rate",
  "sale.cancel": "Cancel",
  "sale.simulate": "Simulate customer payment",
  "sale.checking": "Checking with Bakong…",
  "sale.cannotVerify": "Can't verify right now",
  "sale.cannotVerifyNote": "This is NOT unpaid. Checking resumes by itself. Ask the customer to wait.",
  "sale.checkNow": "Customer shows paid",
  "check.asking": "Asking Bakong about this payment…",
  "accept.offer": "Customer shows paid screen — accept",
  "accept.title": "Accept on the customer's screen",
  "accept.prompt": "Type the payer's reference shown on the customer's screen (or its last digits)",
  "accept.confirm": "Accept",
  "accept.back": "Back",
  "accept.sending": "Recording…",
  "accepted.title": "ACCEPTED — verifying later",
  "accepted.note": "Not PAID yet: Bakong will be checked once it answers. A missing or different payment goes to the owner.",
  "accepted.ref": "Reference",
  "error.accept_disabled": "The owner turned accepting on the customer's screen off",
  "error.accept_not_needed": "Bakong answers again: use Customer shows paid instead",
  "error.text_invalid": "That text cannot be used",
  "error.printer_failed": "The receipt printer did not print — the sale is kept",
  "error.shop_db_failed": "The shop database cannot be read — this counter keeps selling",
  "check.notFoundYet": "Not found yet: Bakong has no payment for this QR. Checking continues; ask the customer to wait.",
  "budget.low": "Bakong checks left today — press Space when the customer shows paid:",
  "budget.empty": "No Bakong checks left today — sales wait for tomorrow's checks (NOT unpaid):",
  "reason.network": "no connection to Bakong",
  "reason.quota": "today's check limit is used up",
  "reason.token": "the Bakong token is missing or expired",
  "reason.region": "Bakong refuses this location",
  "reason.other": "Bakong did not answer",
  "sale.expired": "QR expired",
  "sale.expiredNote": "Don't scan this code. Press Enter for a fresh QR, same amount.",
  "sale.fresh": "Fresh QR",
  "sale.newSale": "New sale",
  "sale.cancelled": "Sale cancelled",
  "sale.cancelledNote": "Nothing was charged. The amount is back in the keypad.",
  "sale.failed": "Payment failed",
  "sale.failedNote": "Bakong reported the payment as failed. Press Enter to try again.",
  "sale.tryAgain": "Try again",
  "sale.mismatch": "Wrong amount received",
  "sale.mismatchNote": "The payment does not match this sale. Call the owner.",
  "notice.lateTitle": "Paid after its QR was closed",
  "notice.lateNote": "The customer has paid: do not ask again. The owner will review it.",
  "notice.dismiss": "Seen",
  "paid.title": "PAID",
  "paid.late": "Paid after the QR expired — the owner will review it",
  "paid.payer": "From",
  "paid.next": "Any key for a new sale",
  "card.placeholder": "The QR appears after Charge",
  "card.merchant": "Merchant",
  "printer.ready": "Printer ready",
  "printer.paperOut": "Printer: paper out",
  "printer.coverOpen": "Printer: cover open",
  "printer.offline": "Printer offline",
  "printer.unreachable": "Printer unreachable",
  "printer.other": "Printer problem",
  "printer.waiting": "Receipts waiting",
  "printer.unsure": "Check the last receipt; reprint if it is missing",
  "printer.printNow": "Print now",
  "printer.reprint": "Reprint (COPY)",
  "printer.reprinted": "COPY sent to the printer",
  "customer.welcome": "Welcome",
  "customer.due": "To pay",
  "customer.scan": "Scan to pay with any Bakong bank app",
  "customer.paid": "PAID — thank you!",
  "customer.change": "Your change",
  "customer.open": "Customer display",
  "key.backspace": "Delete last digit",
};

type Key = keyof typeof en;

const km: Record<Key, string> = {
  "app.title": "KHQR POS",
  "nav.counter": "បញ្ជរ",
  "demo.banner": "សាកល្បង — មិនមែនលុយពិតទេ",
  "lang.switch": "English",
  "entry.amount": "ចំនួនទឹកប្រាក់",
  "entry.note": "កំណត់ចំណាំ (ស្រេចចិត្ត)",
  "entry.charge": "គិតប្រាក់",
  "entry.clear": "សម្អាត",
  "entry.switch": "ប្តូររូបិយប័ណ្ណ",
  "entry.hint": "វាយចំនួនទឹកប្រាក់ ហើយចុច Enter",
  "problem.khrNoDecimals": "ប្រាក់រៀលគ្មានខ្ទង់ទសភាគទេ",
  "problem.usdTwoDecimals": "ប្រាក់ដុល្លារមានខ្ទង់ទសភាគយ៉ាងច្រើន ២",
  "problem.tooLong": "ចំនួននេះវែងពេក",
  "problem.overMax": "លើសចំនួនអតិបរមារបស់ហាង",
  "error.amount_invalid": "មិនអាចគិតប្រាក់ចំនួននេះបានទេ",
  "error.busy": "សូមរង់ចាំ សំណើមុននៅដំណើរការ",
  "error.unexpected": "មានបញ្ហាមួយបានកើតឡើង",
  "sale.scan": "ស្កេនដោយកម្មវិធីធនាគារណាមួយក្នុងបាគង",
  "sale.waiting": "កំពុងរង់ចាំការបង់ប្រាក់",
  "sale.timeLeft": "ពេលនៅសល់",
  "sale.bill": "វិក្កយបត្រ",
  "sale.atShopRate": "តាមអត្រាប្តូរប្រាក់របស់ហាង",
  "sale.cancel": "បោះបង់",
  "sale.simulate": "សាកល្បងការបង់ប្រាក់របស់អតិថិជន",
  "sale.checking": "កំពុងពិនិត្យជាមួយបាគង…",
  "sale.cannotVerify": "មិនអាចផ្ទៀងផ្ទាត់បានឥឡូវនេះ",
  "sale.cannotVerifyNote": "នេះមិនមែនមានន័យថាមិនទាន់បង់ទេ។ ការពិនិត្យនឹងបន្តដោយខ្លួនឯង។ សូមឱ្យអតិថិជនរង់ចាំ។",
  "sale.checkNow": "អតិថិជនបង្ហាញថាបានបង់",
  "check.asking": "កំពុងសួរបាគងអំពីការបង់ប្រាក់នេះ…",
  "accept.offer": "អតិថិជនបង្ហាញអេក្រង់បានបង់ — ទទួលយក",
  "accept.title": "ទទួលយកតាមអេក្រង់របស់អតិថិជន",
  "accept.prompt": "វាយលេខយោងរបស់អ្នកបង់ដែលបង្ហាញលើអេក្រង់អតិថិជន (ឬខ្ទង់ចុងក្រោយ)",
  "accept.confirm": "ទទួលយក",
  "accept.back": "ត្រឡប់ក្រោយ",
  "accept.sending": "កំពុងកត់ត្រា…",
  "accepted.title": "បានទទួលយក — នឹងផ្ទៀងផ្ទាត់ពេលក្រោយ",
  "accepted.note": "មិនទាន់បានបង់ទេ៖ នឹងពិនិត្យជាមួយបាគងពេលវាឆ្លើយតបវិញ។ ការបង់ប្រាក់ដែលបាត់ ឬខុសចំនួន នឹងបញ្ជូនទៅម្ចាស់ហាង។",
  "accepted.ref": "លេខយោង",
  "error.accept_disabled": "ម្ចាស់ហាងបានបិទការទទួលយកតាមអេក្រង់អតិថិជន",
  "error.accept_not_needed": "បាគងឆ្លើយតបវិញហើយ៖ សូមប្រើ «អតិថិជនបង្ហាញថាបានបង់» ជំនួសវិញ",
  "error.text_invalid": "មិនអាចប្រើអក្សរនេះបានទេ",
  "error.printer_failed": "ម៉ាស៊ីនបោះពុម្ពវិក្កយបត្រមិនបានបោះពុម្ពទេ — ការលក់នៅរក្សាទុក",
  "error.shop_db_failed": "មិនអាចអានមូលដ្ឋានទិន្នន័យហាងបានទេ — បញ្ជរនេះនៅតែលក់បាន",
  "check.notFoundYet": "មិនទាន់រកឃើញ៖ បាគងមិនទាន់មានការបង់ប្រាក់សម្រាប់ QR នេះទេ។ ការពិនិត្យនៅបន្ត សូមឱ្យអតិថិជនរង់ចាំ។",
  "budget.low": "ការពិនិត្យបាគងនៅសល់ថ្ងៃនេះ — ចុច Space ពេលអតិថិជនបង្ហាញថាបានបង់៖",
  "budget.empty": "អស់ការពិនិត្យបាគងសម្រាប់ថ្ងៃនេះ — ការលក់រង់ចាំការពិនិត្យថ្ងៃស្អែក (មិនមែនមិនទាន់បង់ទេ)៖",
  "reason.network": "គ្មានការតភ្ជាប់ទៅបាគង",
  "reason.quota": "ការពិនិត្យសម្រាប់ថ្ងៃនេះអស់ហើយ",
  "reason.token": "សោសម្ងាត់បាគងបាត់ ឬផុតកំណត់",
  "reason.region": "បាគងបដិសេធទីតាំងនេះ",
  "reason.other": "បាគងមិនបានឆ្លើយតប",
  "sale.expired": "QR ផុតកំណត់",
  "sale.expiredNote": "កុំស្កេនកូដនេះ។ ចុច Enter ដើម្បីបាន QR ថ្មី ចំនួនដដែល។",
  "sale.fresh": "QR ថ្មី",
  "sale.newSale": "ការលក់ថ្មី",
  "sale.cancelled": "ការលក់ត្រូវបានបោះបង់",
  "sale.cancelledNote": "មិនបានគិតប្រាក់ទេ។ ចំនួនទឹកប្រាក់ត្រឡប់ទៅក្តារចុចវិញ។",
  "sale.failed": "ការបង់ប្រាក់បរាជ័យ",
  "sale.failedNote": "បាគងរាយការណ៍ថាការបង់ប្រាក់បរាជ័យ។ ចុច Enter ដើម្បីព្យាយាមម្តងទៀត។",
  "sale.tryAgain": "ព្យាយាមម្តងទៀត",
  "sale.mismatch": "ទទួលបានចំនួនខុស",
  "sale.mismatchNote": "ការបង់ប្រាក់មិនត្រូវនឹងការលក់នេះទេ។ សូមហៅម្ចាស់ហាង។",
  "notice.lateTitle": "បានបង់ក្រោយ QR ត្រូវបានបិទ",
  "notice.lateNote": "អតិថិជនបានបង់ហើយ៖ កុំសុំឱ្យបង់ម្តងទៀត។ ម្ចាស់ហាងនឹងពិនិត្យ។",
  "notice.dismiss": "បានឃើញ",
  "paid.title": "បានបង់ប្រាក់",
  "paid.late": "បានបង់ក្រោយ QR ផុតកំណត់ — ម្ចាស់ហាងនឹងពិនិត្យ",
  "paid.payer": "ពី",
  "paid.next": "ចុចគ្រាប់ចុចណាមួយសម្រាប់ការលក់ថ្មី",
  "card.placeholder": "QR នឹងបង្ហាញបន្ទាប់ពីគិតប្រាក់",
  "card.merchant": "អ្នកលក់",
  "printer.ready": "ម៉ាស៊ីនបោះពុម្ពរួចរាល់",
  "printer.paperOut": "ម៉ាស៊ីនបោះពុម្ព៖ អស់ក្រដាស",
  "printer.coverOpen": "ម៉ាស៊ីនបោះពុម្ព៖ គម្របបើក",
  "printer.offline": "ម៉ាស៊ីនបោះពុម្ពមិនដំណើរការ",
  "printer.unreachable": "មិនអាចភ្ជាប់ម៉ាស៊ីនបោះពុម្ពបានទេ",
  "printer.other": "ម៉ាស៊ីនបោះពុម្ពមានបញ្ហា",
  "printer.waiting": "វិក្កយបត្រកំពុងរង់ចាំ",
  "printer.unsure": "ពិនិត្យវិក្កយបត្រចុងក្រោយ ហើយបោះពុម្ពម្តងទៀតបើបាត់",
  "printer.printNow": "បោះពុម្ពឥឡូវ",
  "printer.reprint": "បោះពុម្ពម្តងទៀត (ច្បាប់ចម្លង)",
  "printer.reprinted": "បានផ្ញើច្បាប់ចម្លងទៅម៉ាស៊ីនបោះពុម្ព",
  "customer.welcome": "សូមស្វាគមន៍",
  "customer.due": "ត្រូវបង់",
  "customer.scan": "ស្កេនដើម្បីបង់ដោយកម្មវិធីធនាគារណាមួយក្នុងបាគង",
  "customer.paid": "បានបង់ប្រាក់ — សូមអរគុណ!",
  "customer.change": "ប្រាក់អាប់",
  "customer.open": "អេក្រង់អតិថិជន",
  "key.backspace": "លុបលេខចុងក្រោយ",
};

export type TextKey = Key;

const dictionaries: Record<Lang, Record<Key, string>> = { en, km };

let current: Lang = "en";
const listeners: Array<() => void> = [];

/** The current language. */
export function lang(): Lang {
  return current;
}

/** Whether `value` (e.g. the language in the owner's settings) is a language the screen speaks. */
export function isLang(value: string): value is Lang {
  return Object.hasOwn(dictionaries, value);
}

/** The text for `key` in the current language. */
export function t(key: TextKey): string {
  return dictionaries[current][key];
}

/** The text for `key` in `language` (the customer display shows both at once). */
export function textIn(language: Lang, key: TextKey): string {
  return dictionaries[language][key];
}

/** Whether `key` names a text (used to translate error codes that arrive from Rust). */
export function hasText(key: string): key is TextKey {
  return key in en;
}

/** Re-labels every `[data-i18n]` element under `root`. */
export function applyLanguage(root: ParentNode = document): void {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const key = el.dataset.i18n;
    if (key !== undefined && hasText(key)) el.textContent = t(key);
  }
}

/** Switches the language and re-renders everything that listens; the same language is a no-op. */
export function setLanguage(next: Lang): void {
  if (next === current) return;
  current = next;
  applyLanguage();
  for (const listener of listeners) listener();
}

/** Switches between English and Khmer (the top bar's and the owner area's button). */
export function toggleLanguage(): void {
  setLanguage(current === "en" ? "km" : "en");
}

/** Runs `listener` after every language switch (for text built in code). */
export function onLanguageChange(listener: () => void): void {
  listeners.push(listener);
}
