// The reference pipeline: the analysis that the product runs in
// WebAssembly, written with the usual JavaScript packages. Papa Parse
// decodes and parses the CSV, libphonenumber-js (full metadata) brings
// phone numbers to E.164, validator.js checks emails, dates and tags follow
// the product's rules, and a union-find over email, phone and external ID
// groups the valid records into profiles.
//
// Message in: { file: File, settings } with the product's settings JSON.
// Message out: { summary, errors, profiles, timings }, posted by structured
// clone as a JavaScript app would post its result.

/* global Papa, libphonenumber, validator */
importScripts('/vendor/papaparse.min.js', '/vendor/libphonenumber-max.js', '/vendor/validator.min.js');

const MAX_EMAIL_CHARS = 255;
const MAX_PHONE_CHARS = 50;
const MAX_NAME_CHARS = 255;
const MAX_EXTERNAL_ID_CHARS = 256;
const MAX_PLACE_CHARS = 50;
const MAX_ADDRESS_CHARS = 256;

// White space, zero-width characters and the byte-order mark, as the
// product trims them.
const INVISIBLE_EDGES = /^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$/g;
const FORBIDDEN_NAME = /[&<>\\{};#\p{Cc}]/u;
const EXPONENT_FORM = /^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$/;
const PHONE_CHARS = /^\+?[0-9\s\u00a0\-./()]+$/;

function clean(text) {
  if (text === undefined || text === null) return '';
  return String(text).replace(INVISIBLE_EDGES, '');
}

class FieldError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function checkLength(value, label, max) {
  if ([...value].length > max) {
    throw new FieldError('too_long', `${label} is longer than ${max} characters: shorten it`);
  }
}

function normalizeEmail(text) {
  let address = clean(text);
  if (!address) return null;
  if (address.slice(0, 7).toLowerCase() === 'mailto:') {
    address = clean(address.slice(7));
    if (!address) throw new FieldError('invalid_email', 'the email address is not valid');
  }
  address = address.toLowerCase();
  checkLength(address, 'the email address', MAX_EMAIL_CHARS);
  if (!validator.isEmail(address, { require_tld: true, allow_ip_domain: false, allow_display_name: false })) {
    throw new FieldError('invalid_email', 'the email address is not of the form name@example.com');
  }
  return address;
}

function normalizePhone(text, country) {
  const value = clean(text);
  if (!value) return null;
  checkLength(value, 'the phone number', MAX_PHONE_CHARS);
  if (EXPONENT_FORM.test(value)) {
    throw new FieldError('phone_precision_lost', 'the phone number was saved in exponent form');
  }
  // The product accepts digits and the separators people type, nothing else.
  if (!PHONE_CHARS.test(value.replace('(0)', ' '))) {
    throw new FieldError('invalid_phone', 'the phone number is not a valid number');
  }
  const number = libphonenumber.parsePhoneNumberFromString(value.replace('(0)', ' '), country || undefined);
  if (!number || !number.isValid()) {
    throw new FieldError('invalid_phone', 'the phone number is not a valid number');
  }
  return number.number;
}

function normalizeName(text, label) {
  const name = clean(text);
  if (!name) return null;
  checkLength(name, label, MAX_NAME_CHARS);
  if (FORBIDDEN_NAME.test(name)) {
    throw new FieldError('invalid_name', `the ${label} contains a forbidden character`);
  }
  return name;
}

function normalizeLimited(text, label, max) {
  const value = clean(text);
  if (!value) return null;
  checkLength(value, label, max);
  return value;
}

function normalizeExternalId(text) {
  const id = clean(text);
  if (!id) return null;
  checkLength(id, 'the external ID', MAX_EXTERNAL_ID_CHARS);
  if (EXPONENT_FORM.test(id)) {
    throw new FieldError('precision_lost', 'the external ID was rounded by a spreadsheet');
  }
  return id;
}

/** Reads a date format option such as DD.MM.YYYY as { order, twoDigitYear }. */
function parseDateFormat(option) {
  if (!option) return null;
  const tokens = option.trim().toUpperCase().split(/[./\- ]/);
  const kinds = tokens.map((token) => ({ D: 'D', DD: 'D', M: 'M', MM: 'M', YY: 'Y', YYYY: 'Y' })[token]);
  const order = kinds.join('');
  if (!['DMY', 'MDY', 'YMD'].includes(order)) return null;
  return { order, twoDigitYear: tokens.includes('YY') };
}

function invalidDate() {
  return new FieldError('invalid_date', 'the birth date is not a valid date');
}

function normalizeDate(text, format) {
  let value = clean(text);
  if (!value) return null;
  // A time of day after the date is dropped.
  const split = value.search(/[ T]/);
  if (split > 0 && /^[\d:.]+$/.test(value.slice(split + 1).trim()) && value.slice(split + 1).includes(':')) {
    value = value.slice(0, split).trimEnd();
  }
  const parts = value.split(/[./-]/);
  if (parts.length !== 3 || !parts.every((part) => /^\d+$/.test(part))) throw invalidDate();
  if (parts.every((part) => /^0+$/.test(part))) return null;
  let effective = format;
  if (!effective) {
    if (value.includes('.')) effective = { order: 'DMY', twoDigitYear: false };
    else if (value.includes('-')) effective = { order: 'YMD', twoDigitYear: false };
    else throw new FieldError('invalid_date', 'the birth date needs a date format');
  }
  const [first, second, third] = parts;
  const [year, month, day] = {
    DMY: [third, second, first],
    MDY: [third, first, second],
    YMD: [first, second, third],
  }[effective.order];
  if (month.length > 2 || day.length > 2) throw invalidDate();
  let fullYear;
  if (year.length === 4) fullYear = Number(year);
  else if (year.length === 2 && effective.twoDigitYear) {
    const short = Number(year);
    fullYear = short <= 29 ? 2000 + short : 1900 + short;
  } else throw invalidDate();
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(fullYear, m - 1, d));
  if (date.getUTCFullYear() !== fullYear || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    throw invalidDate();
  }
  return `${String(fullYear).padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function splitTags(text, delimiter) {
  const tags = [];
  for (const piece of String(text ?? '').split(delimiter || ',')) {
    const tag = clean(piece);
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** Builds one checker per mapped column: (cell, values) => void, throwing FieldError. */
function columnRules(settings) {
  const rules = [];
  for (const [header, mapping] of Object.entries(settings.mapping)) {
    const option = mapping.option;
    const field = mapping.field;
    let apply;
    switch (field) {
      case 'email':
        apply = (cell, values) => {
          const email = normalizeEmail(cell);
          if (email && !values.emails.includes(email)) values.emails.push(email);
        };
        break;
      case 'phone':
        apply = (cell, values) => {
          const phone = normalizePhone(cell, option);
          if (phone && !values.phones.includes(phone)) values.phones.push(phone);
        };
        break;
      case 'external_id':
        apply = (cell, values) => {
          values.external_id = normalizeExternalId(cell);
        };
        break;
      case 'first_name':
      case 'last_name':
      case 'middle_name':
        apply = (cell, values) => {
          const name = normalizeName(cell, field.replace('_', ' '));
          if (name) values[field] = name;
        };
        break;
      case 'birth_date': {
        const format = parseDateFormat(option);
        apply = (cell, values) => {
          values.birth_date = normalizeDate(cell, format);
        };
        break;
      }
      case 'tags':
        apply = (cell, values) => {
          for (const tag of splitTags(cell, option)) {
            if (!values.tags.includes(tag)) values.tags.push(tag);
          }
        };
        break;
      case 'city':
      case 'country':
        apply = (cell, values) => {
          const place = normalizeLimited(cell, field, MAX_PLACE_CHARS);
          if (place) values[field] = place;
        };
        break;
      case 'address':
        apply = (cell, values) => {
          const address = normalizeLimited(cell, field, MAX_ADDRESS_CHARS);
          if (address) values.address = address;
        };
        break;
      default:
        apply = (cell, values) => {
          const value = clean(cell);
          if (value) values[field] = value;
        };
    }
    const identifier = field === 'email' || field === 'phone' || field === 'external_id';
    rules.push({ header, field, identifier, apply });
  }
  return rules;
}

/** Union-find over record indexes. */
class DisjointSets {
  constructor() {
    this.parent = [];
  }

  add() {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }

  find(index) {
    let root = index;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[index] !== root) {
      const next = this.parent[index];
      this.parent[index] = root;
      index = next;
    }
    return root;
  }

  union(a, b) {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return rootA;
    // The older record stays the root, so profiles keep row order.
    const [low, high] = rootA < rootB ? [rootA, rootB] : [rootB, rootA];
    this.parent[high] = low;
    return low;
  }
}

function groupRecords(records) {
  const sets = new DisjointSets();
  const owner = new Map();
  const valid = [];
  for (const record of records) {
    if (!record.valid) continue;
    const node = sets.add();
    valid.push(record);
    const { values } = record;
    const keys = [];
    if (values.external_id) keys.push(`x\u0000${values.external_id}`);
    for (const email of values.emails) keys.push(`e\u0000${email}`);
    for (const phone of values.phones) keys.push(`p\u0000${phone}`);
    for (const key of keys) {
      const other = owner.get(key);
      if (other === undefined) owner.set(key, node);
      else sets.union(node, other);
    }
  }
  const profiles = new Map();
  valid.forEach((record, node) => {
    const root = sets.find(node);
    let profile = profiles.get(root);
    if (!profile) {
      profile = { rows: [], values: { emails: [], phones: [], tags: [] } };
      profiles.set(root, profile);
    }
    profile.rows.push(record.row);
    const target = profile.values;
    for (const [key, value] of Object.entries(record.values)) {
      if (Array.isArray(value)) {
        for (const item of value) if (!target[key].includes(item)) target[key].push(item);
      } else if (value !== null && value !== undefined && target[key] === undefined) {
        target[key] = value;
      }
    }
  });
  return [...profiles.values()];
}

function analyze(file, settings) {
  return new Promise((resolve, reject) => {
    const rules = columnRules(settings);
    const records = [];
    const errors = [];
    let row = 1;
    let parsedAt = 0;
    Papa.parse(file, {
      header: true,
      skipEmptyLines: 'greedy',
      chunkSize: 4 * 1024 * 1024,
      chunk(results) {
        for (const cells of results.data) {
          row += 1;
          const values = { emails: [], phones: [], tags: [] };
          let hasIdentifier = false;
          let valid = true;
          for (const rule of rules) {
            const cell = cells[rule.header];
            if (rule.identifier && clean(cell)) hasIdentifier = true;
            try {
              rule.apply(cell, values);
            } catch (error) {
              if (!(error instanceof FieldError)) throw error;
              valid = false;
              errors.push({ row, field: rule.field, code: error.code, message: error.message });
            }
          }
          if (!hasIdentifier) {
            valid = false;
            errors.push({ row, field: null, code: 'no_contact', message: 'the record has no identifier' });
          }
          records.push({ row, valid, values });
        }
      },
      complete() {
        parsedAt = performance.now();
        const profiles = groupRecords(records);
        const validRecords = records.filter((record) => record.valid).length;
        resolve({
          summary: {
            data_rows: records.length,
            valid_records: validRecords,
            error_records: records.length - validRecords,
            profiles: profiles.length,
          },
          errors,
          profiles,
          parsedAt,
        });
      },
      error: reject,
    });
  });
}

onmessage = async (event) => {
  const { file, settings } = event.data;
  try {
    const start = performance.now();
    const result = await analyze(file, settings);
    const end = performance.now();
    postMessage({
      summary: result.summary,
      errors: result.errors,
      profiles: result.profiles,
      timings: { parse_validate_ms: result.parsedAt - start, group_ms: end - result.parsedAt, worker_ms: end - start },
    });
  } catch (error) {
    postMessage({ failure: String(error && error.stack ? error.stack : error) });
  }
};
