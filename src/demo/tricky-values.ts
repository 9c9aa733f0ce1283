/**
 * The values that break naive tools, and where the sample org puts them. Every size contains all of
 * them: they live at fixed, low indexes (users 0–22, groups 0–9, apps 0–11); generated records follow.
 */

/** Fixed user indexes and what each one is for. */
export const UserFixture = {
  /** The admin the demo token belongs to (`/api/v1/users/me`), SUPER_ADMIN. */
  admin: 0,
  japanese: 1,
  chinese: 2,
  /** Right-to-left script. */
  arabic: 3,
  cyrillic: 4,
  devanagari: 5,
  /** Combining accents (NFD): must NOT be normalised. Looks exactly like `nfc`, differs in bytes. */
  nfd: 6,
  nfc: 7,
  /** Emoji, including ZWJ sequences and a flag. */
  emoji: 8,
  /** Commas, double and single quotes. */
  quotes: 9,
  /** Newlines (LF and CRLF) and tabs. */
  newlines: 10,
  /** Values starting with `=`, `+`, `-`, `@` (spreadsheet formula injection). */
  formulas: 11,
  /** `profile.title` over 5,000 characters, `profile.bio` over 6,000. */
  longStrings: 12,
  /** Two users whose ids differ only in letter case. */
  caseTwinUpper: 13,
  caseTwinLower: 14,
  /** PROVISIONED: lastLogin, activated, passwordChanged and every nullable profile field are null. */
  nulls: 15,
  staged: 16,
  suspended: 17,
  lockedOut: 18,
  deprovisioned: 19,
  passwordExpired: 20,
  recovery: 21,
  /** DEPROVISIONED too: the first candidate `mutate()` deletes. */
  deprovisionedToDelete: 22,
} as const;
export const FIXTURE_USER_COUNT = 23;

/** Fixed group indexes. */
export const GroupFixture = {
  /** BUILT_IN: every user. */
  everyone: 0,
  /** Exactly `boundaryGroupMembers` members (200; 20 in tiny): the last page is full. */
  boundary: 1,
  empty: 2,
  /** Two groups whose ids differ only in letter case. */
  caseTwinUpper: 3,
  caseTwinLower: 4,
  /** Name in four scripts plus emoji; its members include every fixture user. */
  unicode: 5,
  /** Name starting with `=`, with commas, quotes and a newline; description over 5,000 characters. */
  formulas: 6,
  /** APP_GROUP imported from Active Directory. */
  appGroup: 7,
  /** Holds the HELP_DESK_ADMIN role (assignmentType GROUP). */
  helpdeskAdmins: 8,
  /** About 60 % of users; name starts with `@`. */
  allStaff: 9,
} as const;
export const FIXTURE_GROUP_COUNT = 10;

/** Fixed app indexes. */
export const AppFixture = {
  /** BOOKMARK assigned to Everyone (every user has scope GROUP). */
  intranet: 0,
  /** SAML 2.0 with `licensing`; assigned to All staff and directly to every fixture user (overlap → scope USER). */
  salesforce: 1,
  /** OIDC with a CJK label; emits `app.oauth2.*` events. */
  expenses: 2,
  /** SWA (BROWSER_PLUGIN, template_swa), direct assignments only. */
  legacyHr: 3,
  /** AUTO_LOGIN, label starting with `+`. */
  payroll: 4,
  /** INACTIVE, still has assignments. */
  retiredWiki: 5,
  /** No assignments at all. */
  unused: 6,
  /** Exactly `boundaryAppUsers` users (500; 20 in tiny), all direct. */
  boundary: 7,
  /** BOOKMARK whose label starts with `=` and has a newline, commas and quotes; admin notes over 5,000 characters. */
  formulas: 8,
  /** OIDC with a right-to-left label. */
  rtl: 9,
  /** Assigned through groups only. */
  groupOnly: 10,
  /** Provisioning app (PUSH_NEW_USERS): app users have externalId, syncState SYNCHRONIZED, lastSync. */
  workday: 11,
} as const;
export const FIXTURE_APP_COUNT = 12;

/** A deterministic string of at least `length` characters mixing scripts, quotes and separators. */
export function longText(length: number, label: string): string {
  const chunk = `${label}: Lorem ipsum, "dolor" sit amet — 日本語のテキスト — نص عربي — Текст — हिन्दी 🧩; `;
  return chunk.repeat(Math.ceil(length / chunk.length));
}

export interface UserFixtureProfile {
  firstName: string | null;
  lastName: string | null;
  login: string;
  [key: string]: unknown;
}

/** Profile values for the fixture users (merged over generated values). */
export const USER_FIXTURE_PROFILES: Readonly<Record<number, Partial<UserFixtureProfile>>> = {
  [UserFixture.admin]: {
    firstName: 'Demo',
    lastName: 'Admin',
    displayName: 'Demo Admin',
    login: 'admin@demo.example',
    title: 'Okta administrator',
    department: 'IT',
  },
  [UserFixture.japanese]: {
    firstName: '太郎',
    lastName: '山田',
    displayName: '山田 太郎',
    login: 'taro.yamada@demo.example',
    city: '東京',
    countryCode: 'JP',
    locale: 'ja_JP',
    timezone: 'Asia/Tokyo',
    preferredLanguage: 'ja',
    title: '部長',
    department: '営業部',
  },
  [UserFixture.chinese]: {
    firstName: '小明',
    lastName: '王',
    displayName: '王小明',
    login: 'xiaoming.wang@demo.example',
    city: '上海',
    countryCode: 'CN',
    locale: 'zh_CN',
    timezone: 'Asia/Shanghai',
    title: '高级工程师',
    department: '工程部',
  },
  [UserFixture.arabic]: {
    firstName: 'محمد',
    lastName: 'العلي',
    displayName: 'محمد العلي',
    login: 'mohammed.alali@demo.example',
    city: 'الرياض',
    countryCode: 'SA',
    locale: 'ar_SA',
    timezone: 'Asia/Riyadh',
    title: 'مدير المبيعات',
    department: 'المبيعات',
  },
  [UserFixture.cyrillic]: {
    firstName: 'Дмитрий',
    lastName: 'Иванов',
    displayName: 'Дмитрий Иванов',
    login: 'dmitry.ivanov@demo.example',
    city: 'Москва',
    countryCode: 'RU',
    locale: 'ru_RU',
    title: 'Ведущий инженер',
    department: 'Разработка',
  },
  [UserFixture.devanagari]: {
    firstName: 'अनिल',
    lastName: 'शर्मा',
    displayName: 'अनिल शर्मा',
    login: 'anil.sharma@demo.example',
    city: 'नई दिल्ली',
    countryCode: 'IN',
    locale: 'hi_IN',
    title: 'प्रबंधक',
    department: 'वित्त',
  },
  [UserFixture.nfd]: {
    firstName: 'Rene\u0301e',
    lastName: 'Mu\u0308ller',
    displayName: 'Rene\u0301e Mu\u0308ller',
    login: 'renee.muller.nfd@demo.example',
    city: 'Zu\u0308rich',
    countryCode: 'CH',
  },
  [UserFixture.nfc]: {
    firstName: 'Ren\u00e9e',
    lastName: 'M\u00fcller',
    displayName: 'Ren\u00e9e M\u00fcller',
    login: 'renee.muller.nfc@demo.example',
    city: 'Z\u00fcrich',
    countryCode: 'CH',
  },
  [UserFixture.emoji]: {
    firstName: 'Alex 👩‍💻',
    lastName: 'Rainbow 🏳️‍🌈',
    nickName: '👨‍👩‍👧‍👦',
    displayName: 'Alex 👩‍💻 Rainbow 🏳️‍🌈',
    login: 'alex.rainbow@demo.example',
    title: 'Chief 🚀 Officer',
    department: '🧪 Labs',
  },
  [UserFixture.quotes]: {
    firstName: 'Mary "May"',
    lastName: "O'Brien, Jr.",
    displayName: 'O\'Brien, Jr., Mary "May"',
    login: "mary.o'brien+may@demo.example",
    title: 'Manager, "Sales", EMEA',
    department: 'Sales, Marketing & "Growth"',
  },
  [UserFixture.newlines]: {
    firstName: 'Line',
    lastName: 'Breaker',
    displayName: 'Line\nBreaker',
    login: 'line.breaker@demo.example',
    title: 'Line one\nLine two',
    department: 'Ops\tNight shift',
    streetAddress: '1 Main St\r\nSuite 200\tRear entrance',
  },
  [UserFixture.formulas]: {
    firstName: '=1+1',
    lastName: '+SUM(A1:A9)',
    nickName: '-2+3',
    displayName: '=1+1 +SUM(A1:A9)',
    login: 'formula.user@demo.example',
    title: '@SUM(A1)',
    department: '=HYPERLINK("https://example.invalid","click me")',
    organization: "=cmd|' /C calc'!A0",
  },
  [UserFixture.longStrings]: {
    firstName: 'Verbose',
    lastName: 'Writer',
    login: 'verbose.writer@demo.example',
    title: longText(5_200, 'title'),
    bio: longText(6_000, 'bio'),
  },
  [UserFixture.caseTwinUpper]: { firstName: 'Case', lastName: 'Upper', login: 'case.upper@demo.example' },
  [UserFixture.caseTwinLower]: { firstName: 'Case', lastName: 'Lower', login: 'case.lower@demo.example' },
  [UserFixture.nulls]: {
    firstName: 'Nullable',
    lastName: null,
    displayName: null,
    login: 'nullable.user@demo.example',
    title: null,
    city: null,
    countryCode: null,
    mobilePhone: null,
    primaryPhone: null,
    secondEmail: null,
    manager: null,
    managerId: null,
    costCenter: null,
    division: null,
    organization: null,
    streetAddress: null,
    zipCode: null,
    timezone: null,
    preferredLanguage: null,
    userType: null,
    seatNumber: null,
    hourlyRate: null,
    isContractor: null,
    licenses: null,
    startDate: null,
    bio: null,
  },
};

/** [native, ASCII] name pairs; ASCII is used for logins and emails. */
export const FIRST_NAMES: readonly (readonly [string, string])[] = [
  ['James', 'james'],
  ['María', 'maria'],
  ['Zoë', 'zoe'],
  ['François', 'francois'],
  ['Søren', 'soren'],
  ['Łukasz', 'lukasz'],
  ['Aisha', 'aisha'],
  ['Chloé', 'chloe'],
  ['Olivia', 'olivia'],
  ['Noah', 'noah'],
  ['Priya', 'priya'],
  ['Mateo', 'mateo'],
  ['Emma', 'emma'],
  ['Liam', 'liam'],
  ['Ingrid', 'ingrid'],
  ['Kwame', 'kwame'],
  ['Siobhán', 'siobhan'],
  ['Jürgen', 'jurgen'],
  ['Ana', 'ana'],
  ['Wei', 'wei'],
  ['さくら', 'sakura'],
  ['健太', 'kenta'],
  ['민준', 'minjun'],
  ['伟', 'wei'],
  ['Анна', 'anna'],
  ['Сергей', 'sergey'],
  ['فاطمة', 'fatima'],
  ['يوسف', 'youssef'],
  ['प्रिया', 'priya'],
  ['राहुल', 'rahul'],
  ['Νίκος', 'nikos'],
  ['דנה', 'dana'],
];

export const LAST_NAMES: readonly (readonly [string, string])[] = [
  ['Smith', 'smith'],
  ['García', 'garcia'],
  ['Müller', 'muller'],
  ['Nguyễn', 'nguyen'],
  ['Johansson', 'johansson'],
  ['Kowalski', 'kowalski'],
  ['Okafor', 'okafor'],
  ['Dubois', 'dubois'],
  ['Rossi', 'rossi'],
  ['Brown', 'brown'],
  ['Patel', 'patel'],
  ['Fernández', 'fernandez'],
  ['Taylor', 'taylor'],
  ["O'Connor", 'oconnor'],
  ['van der Berg', 'vanderberg'],
  ['Núñez', 'nunez'],
  ['Çelik', 'celik'],
  ['Lee', 'lee'],
  ['佐藤', 'sato'],
  ['김', 'kim'],
  ['李', 'li'],
  ['Петров', 'petrov'],
  ['Смирнова', 'smirnova'],
  ['حداد', 'haddad'],
  ['منصور', 'mansour'],
  ['गुप्ता', 'gupta'],
  ['Παπαδόπουλος', 'papadopoulos'],
  ['כהן', 'cohen'],
];

export const DEPARTMENTS: readonly string[] = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'Legal',
  'Support',
  'IT',
  'Operations',
  'Research & Development',
  'Product',
  'Design',
];

export const TITLES: readonly string[] = [
  'Software Engineer',
  'Senior Software Engineer',
  'Account Executive',
  'Marketing Manager',
  'Financial Analyst',
  'HR Business Partner',
  'Counsel',
  'Support Specialist',
  'Systems Administrator',
  'Operations Lead',
  'Product Manager',
  'Designer',
  'Director',
  'Vice President',
];

/** [city, countryCode, timezone, locale] */
export const PLACES: readonly (readonly [string, string, string, string])[] = [
  ['San Francisco', 'US', 'America/Los_Angeles', 'en_US'],
  ['New York', 'US', 'America/New_York', 'en_US'],
  ['London', 'GB', 'Europe/London', 'en_GB'],
  ['Berlin', 'DE', 'Europe/Berlin', 'de_DE'],
  ['São Paulo', 'BR', 'America/Sao_Paulo', 'pt_BR'],
  ['Kraków', 'PL', 'Europe/Warsaw', 'pl_PL'],
  ['Bengaluru', 'IN', 'Asia/Kolkata', 'en_IN'],
  ['Tokyo', 'JP', 'Asia/Tokyo', 'ja_JP'],
  ['Sydney', 'AU', 'Australia/Sydney', 'en_AU'],
  ['Toronto', 'CA', 'America/Toronto', 'en_CA'],
  ['Dubai', 'AE', 'Asia/Dubai', 'ar_AE'],
  ['Montréal', 'CA', 'America/Toronto', 'fr_CA'],
];

export const LICENSES: readonly string[] = ['E3', 'E5', 'Visio', 'Project', 'Copilot', 'Power BI Pro'];

export const GROUP_NAMES: readonly string[] = [
  'Engineering',
  'Sales EMEA',
  'Sales AMER',
  'Marketing',
  'Finance',
  'People Ops',
  'Legal',
  'Support Tier 1',
  'Support Tier 2',
  'IT Admins',
  'Contractors',
  'Interns',
  'Executives',
  'Data Science',
  'Security',
  'Designers',
  'Équipe Paris',
  'チーム東京',
  'Команда Москва',
  'فريق دبي',
];

/** [label, OIN name or null for a custom app] */
export const APP_NAMES: readonly (readonly [string, string | null])[] = [
  ['Slack', 'slack'],
  ['Zoom', 'zoomus'],
  ['GitHub Enterprise', 'githubcloud'],
  ['Atlassian Cloud', 'atlassian'],
  ['Box', 'boxnet'],
  ['Dropbox Business', 'dropbox_for_business'],
  ['Google Workspace', 'google'],
  ['Microsoft Office 365', 'office365'],
  ['ServiceNow', 'servicenow_app2'],
  ['Zendesk', 'zendesk'],
  ['Tableau Online', null],
  ['Figma', null],
  ['Miro', null],
  ['DocuSign', 'docusign'],
  ['Adobe Creative Cloud', null],
  ['Notion', null],
  ['Asana', null],
  ['Okta Workflows', null],
  ['AWS Console', 'amazon_aws'],
  ['Datadog', null],
  ['Snowflake', null],
  ['HubSpot', null],
  ['Concur', null],
  ['Greenhouse', null],
];
