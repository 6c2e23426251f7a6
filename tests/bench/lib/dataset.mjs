// Seeded contacts for the benchmark files: the columns, a deterministic
// row generator and the analysis settings of each file.
//
// Every name, email domain (example.com/.org/.net) and phone number is
// invented. The same seed and row count always give the same rows.

import { createRequire } from 'node:module';

import { getCountryCallingCode } from 'libphonenumber-js';

// An example mobile number of each of the 245 regions of libphonenumber's
// metadata, keyed by ISO 3166 code.
const MOBILE_EXAMPLES = Object.entries(createRequire(import.meta.url)('libphonenumber-js/examples.mobile.json'));

/** Default country of phone numbers written without an international prefix. */
export const PHONE_COUNTRY = 'DE';

/** Delimiter of the Tags column. */
export const TAG_DELIMITER = ';';

/** Column headers of both files, in file order. */
export const HEADERS = [
  'Customer ID',
  'First Name',
  'Last Name',
  'Email',
  'Phone',
  'Birthday',
  'Tags',
  'City',
  'Notes',
  'Lead Source',
];

/** Columns that no mapping uses. */
export const UNMAPPED = ['Notes', 'Lead Source'];

/** The columns mapped when half of them are mapped, for the bytes-sent figure. */
export const HALF_MAPPED = ['Customer ID', 'First Name', 'Last Name', 'Email', 'Phone'];

/**
 * Returns the analysis settings (the JSON that `people analyze --settings`
 * reads) that map `columns`. `textDates` sets the DD.MM.YYYY option of the
 * Birthday column, which a CSV needs and a workbook with date cells does not.
 */
export function settingsFor(columns, { textDates }) {
  const fields = {
    'Customer ID': { field: 'external_id' },
    'First Name': { field: 'first_name' },
    'Last Name': { field: 'last_name' },
    Email: { field: 'email' },
    Phone: { field: 'phone', option: PHONE_COUNTRY },
    Birthday: textDates ? { field: 'birth_date', option: 'DD.MM.YYYY' } : { field: 'birth_date' },
    Tags: { field: 'tags', option: TAG_DELIMITER },
    City: { field: 'city' },
  };
  const mapping = {};
  for (const column of columns) {
    mapping[column] = fields[column];
  }
  return { skip_rows: 0, person_type: 'lead', mapping };
}

/** Columns mapped in the timed analyses: all but the two unmapped ones. */
export const FULL_MAPPED = HEADERS.filter((header) => !UNMAPPED.includes(header));

/** Mulberry32: a small seeded generator of floats in [0, 1). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Felix', 'Greta', 'Hannah', 'Ivan', 'Jonas',
  'Katharina', 'Lukas', 'Maja', 'Noah', 'Olga', 'Paul', 'Quentin', 'Rosa', 'Sven', 'Tobias',
  'Ute', 'Viktor', 'Wiebke', 'Yusuf', 'Zoë', 'Jürgen', 'Łukasz', 'José', 'Mette', 'Aylin',
  'Sophie', 'Leon', 'Mia', 'Finn', 'Emma', 'Elias', 'Lina', 'Milan', 'Nele', 'Theo',
];

const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz',
  'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun',
  'Zimmermann', 'Krüger', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler',
  'Yılmaz', 'Kowalski', 'Nguyen', 'Rossi', 'Martin', 'Okafor', 'Lindqvist', 'Petrov',
];

const CITIES = [
  'Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt', 'Stuttgart', 'Düsseldorf', 'Leipzig',
  'Dortmund', 'Essen', 'Bremen', 'Dresden', 'Hannover', 'Nürnberg', 'Wien', 'Zürich',
];

const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

const TAGS = [
  'vip', 'newsletter', 'trade-fair 2024', 'webinar', 'partner', 'b2b', 'b2c', 'churn-risk',
  'event berlin', 'whitepaper',
];

const SOURCES = ['web', 'fair', 'ads', 'referral', 'import', 'shop', ''];

const NOTES = ['', '', '', '', '', '', '', '', '', '', '', 'call back', 'prefers email', 'met at fair', 'VIP, handle with care'];

// Mobile prefixes and area codes whose numbers libphonenumber's German
// plan accepts with the subscriber lengths used below.
const MOBILE_PREFIXES = ['151', '152', '157', '160', '162', '170', '171', '172', '175', '176', '177', '178', '179'];
const AREA_CODES = [
  { code: '30', digits: 8 },
  { code: '40', digits: 8 },
  { code: '89', digits: 8 },
  { code: '221', digits: 7 },
  { code: '69', digits: 8 },
  { code: '711', digits: 7 },
];

/** ASCII form of a name for an email local part. */
function asciiLocal(text) {
  return text
    .toLowerCase()
    .replaceAll('ä', 'ae')
    .replaceAll('ö', 'oe')
    .replaceAll('ü', 'ue')
    .replaceAll('ß', 'ss')
    .replaceAll('ł', 'l')
    .replaceAll('ı', 'i')
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
}

/**
 * Generates contact rows. Each row is an object keyed by header; `phone`
 * cells of the workbook may be numbers (a spreadsheet that dropped the
 * leading + or 0) and `birthday` may be a Date, as `forWorkbook` asks.
 * With `international`, every phone is a mobile number of a random one of
 * the 245 regions, written with its international prefix.
 */
export class ContactGenerator {
  constructor(seed, { forWorkbook = false, international = false } = {}) {
    this.random = seededRandom(seed);
    this.forWorkbook = forWorkbook;
    this.international = international;
    this.people = [];
    this.nextCustomer = 1_000_000;
  }

  pick(list) {
    return list[Math.floor(this.random() * list.length)];
  }

  digits(count) {
    let text = '';
    for (let i = 0; i < count; i += 1) {
      text += Math.floor(this.random() * 10);
    }
    return text;
  }

  /** A new German number: trunk prefix with its 0, subscriber digits, E.164. */
  newPhone() {
    if (this.international) {
      return this.internationalPhone();
    }
    if (this.random() < 0.7) {
      const prefix = this.pick(MOBILE_PREFIXES);
      const subscriber = this.digits(prefix.startsWith('15') ? 8 : 7 + Math.floor(this.random() * 2));
      return { trunk: `0${prefix}`, subscriber, e164: `+49${prefix}${subscriber}` };
    }
    const area = this.pick(AREA_CODES);
    const subscriber = `${1 + Math.floor(this.random() * 9)}${this.digits(area.digits - 1)}`;
    return { trunk: `0${area.code}`, subscriber, e164: `+49${area.code}${subscriber}` };
  }

  /**
   * Returns a region's example mobile number with its last three digits replaced,
   * which keeps most of them valid in the region's plan.
   */
  internationalPhone() {
    const [region, example] = this.pick(MOBILE_EXAMPLES);
    const national = `${example.slice(0, -3)}${this.digits(3)}`;
    return { text: `+${getCountryCallingCode(region)} ${national}` };
  }

  /** One of the ways people write a German number, or an invalid value. */
  phoneText(phone) {
    if (phone.text) {
      return phone.text;
    }
    const roll = this.random();
    const { trunk, subscriber } = phone;
    const national = trunk.slice(1);
    if (roll < 0.01) {
      return this.pick(['12345', 'n/a', `${trunk} 12`, `${trunk} ${subscriber} ext. 5`, 'unknown']);
    }
    if (roll < 0.25) return `+49 ${national} ${subscriber}`;
    if (roll < 0.45) return `${trunk} ${subscriber}`;
    if (roll < 0.55) return `${trunk}-${subscriber}`;
    if (roll < 0.65) return `${trunk}/${subscriber}`;
    if (roll < 0.72) return `+49 (0)${national} ${subscriber}`;
    if (roll < 0.79) return `0049 ${national} ${subscriber}`;
    if (roll < 0.86) return `(${trunk}) ${subscriber}`;
    if (roll < 0.93) return `+49${national}${subscriber}`;
    return `${trunk}${subscriber}`;
  }

  /** A foreign number written with its international prefix. */
  foreignPhone() {
    const roll = this.random();
    if (roll < 0.4) return `+44 20 7946 0${this.digits(3)}`;
    if (roll < 0.7) return `+33 6 ${this.digits(2)} ${this.digits(2)} ${this.digits(2)} ${this.digits(2)}`;
    return `+43 664 ${this.digits(7)}`;
  }

  birthday() {
    const roll = this.random();
    if (roll < 0.03) return '';
    if (roll < 0.035) return '00.00.0000';
    if (roll < 0.04) return this.pick(['31.02.1985', '30.02.1990', '31.04.1979', '32.01.1988', '15.13.1975']);
    const year = 1940 + Math.floor(this.random() * 66);
    const month = 1 + Math.floor(this.random() * 12);
    const day = 1 + Math.floor(this.random() * 28);
    if (this.forWorkbook) {
      return new Date(Date.UTC(year, month - 1, day));
    }
    const pad = (n) => String(n).padStart(2, '0');
    return `${pad(day)}.${pad(month)}.${year}`;
  }

  tags() {
    const roll = this.random();
    if (roll < 0.35) return '';
    const count = roll < 0.75 ? 1 : roll < 0.95 ? 2 : 3;
    const chosen = [];
    for (let i = 0; i < count; i += 1) {
      chosen.push(this.pick(TAGS));
    }
    // Spacing around the delimiter varies as typed by hand.
    return chosen.join(this.random() < 0.5 ? '; ' : ';');
  }

  email(first, last, index) {
    // The row index keeps two people of the same name apart.
    const local = `${asciiLocal(first).slice(0, 1)}.${asciiLocal(last)}${index}`;
    const domain = this.pick(DOMAINS);
    const roll = this.random();
    if (roll < 0.01) {
      return this.pick([`${local}@@${domain}`, `${local}.${domain}`, `${local} x@${domain}`, `${local}@example`]);
    }
    if (roll < 0.06) return `${first.slice(0, 1)}.${last}${index}@${domain.toUpperCase()}`;
    if (roll < 0.08) return ` ${local}@${domain} `;
    return `${local}@${domain}`;
  }

  /** Returns the next row. */
  next(index) {
    const roll = this.random();
    // About 3% of rows repeat an earlier person's email and 1% share an
    // earlier person's phone, so grouping has real work to do.
    if (roll < 0.04 && this.people.length > 100) {
      const earlier = this.people[Math.floor(this.random() * this.people.length)];
      const sharesEmail = roll < 0.03;
      const first = earlier.first;
      const last = sharesEmail ? earlier.last : this.pick(LAST_NAMES);
      return this.row({
        customer: sharesEmail && this.random() < 0.5 ? earlier.customer : '',
        first,
        last,
        email: sharesEmail ? earlier.email : this.email(first, last, index),
        phone: sharesEmail ? this.phoneText(this.newPhone()) : this.phoneText(earlier.phone),
      });
    }
    const first = this.pick(FIRST_NAMES);
    const last = this.pick(LAST_NAMES);
    const phone = this.newPhone();
    const person = {
      customer: this.random() < 0.8 ? `C${this.nextCustomer++}` : '',
      first,
      last,
      email: this.email(first, last, index),
      phone,
    };
    if (this.people.length < 200_000) {
      this.people.push(person);
    } else {
      this.people[Math.floor(this.random() * this.people.length)] = person;
    }
    const foreign = !this.international && this.random() < 0.05;
    const phoneCell = foreign ? this.foreignPhone() : this.phoneCell(phone);
    return this.row({ ...person, phone: phoneCell });
  }

  phoneCell(phone) {
    if (this.forWorkbook && !this.international && this.random() < 0.3) {
      // A numeric cell: the spreadsheet dropped the + or the leading 0.
      const digits = this.random() < 0.5 ? phone.e164.slice(1) : `${phone.trunk.slice(1)}${phone.subscriber}`;
      return Number(digits);
    }
    return this.phoneText(phone);
  }

  row({ customer, first, last, email, phone }) {
    return {
      'Customer ID': customer,
      'First Name': first,
      'Last Name': last,
      Email: email,
      Phone: phone,
      Birthday: this.birthday(),
      Tags: this.tags(),
      City: this.pick(CITIES),
      Notes: this.pick(NOTES),
      'Lead Source': this.pick(SOURCES),
    };
  }
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value) {
  const text = String(value);
  if (/[",\r\n]/.test(text)) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}
