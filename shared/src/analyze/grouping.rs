//! Grouping of valid records into profiles: a union over identifier
//! values (external ID, email, phone) in row order.

use std::collections::{BTreeSet, HashMap};

use crate::analysis::{ProfileDraft, ProfileValues, Record};
use crate::error::{ErrorCode, RecordError, Warning};
use crate::MAX_ADDITIONAL_CONTACTS;

/// Most distinct contacts of one type in a profile: the main one and
/// [`MAX_ADDITIONAL_CONTACTS`] more.
const MAX_CONTACTS: usize = 1 + MAX_ADDITIONAL_CONTACTS;

/// A profile while records are being added, possibly merged into another.
struct Group {
    /// The group this one was merged into, or itself while it is a root.
    parent: usize,
    external_id: Option<String>,
    emails: BTreeSet<String>,
    phones: BTreeSet<String>,
    /// Indexes into the records, ascending.
    members: Vec<usize>,
}

/// Groups the records that have no error so far and returns the profiles
/// in order of their first row.
///
/// A record that would join two external IDs gets `conflicting_identifiers`,
/// and one that would give its profile more than [`MAX_CONTACTS`] emails or
/// phones gets `too_many_contacts`. Such records join no profile and are
/// marked invalid.
pub(crate) fn group(
    records: &mut [Record],
    errors: &mut [Vec<RecordError>],
    warnings: &mut Vec<Warning>,
) -> Vec<ProfileDraft> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_external_id: HashMap<String, usize> = HashMap::new();
    let mut by_email: HashMap<String, usize> = HashMap::new();
    let mut by_phone: HashMap<String, usize> = HashMap::new();

    for (index, record) in records.iter_mut().enumerate() {
        let Some(record_errors) = errors.get_mut(index) else {
            continue;
        };
        if !record_errors.is_empty() {
            continue;
        }
        let values = &record.values;
        let mut roots: Vec<usize> = Vec::new();
        let lookups = values
            .external_id
            .iter()
            .filter_map(|id| by_external_id.get(id))
            .chain(values.emails.iter().filter_map(|email| by_email.get(email)))
            .chain(values.phones.iter().filter_map(|phone| by_phone.get(phone)));
        for &group in lookups {
            let root = find(&mut groups, group);
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        roots.sort_unstable();

        let problems = check_join(&groups, &roots, values, record.row);
        if !problems.is_empty() {
            record.valid = false;
            record_errors.extend(problems);
            continue;
        }

        let target = match roots.first() {
            Some(&root) => root,
            None => {
                groups.push(Group {
                    parent: groups.len(),
                    external_id: None,
                    emails: BTreeSet::new(),
                    phones: BTreeSet::new(),
                    members: Vec::new(),
                });
                groups.len() - 1
            }
        };
        for &other in roots.iter().skip(1) {
            merge(&mut groups, target, other);
        }
        if let Some(group) = groups.get_mut(target) {
            if let Some(id) = &values.external_id {
                group.external_id = Some(id.clone());
                by_external_id.insert(id.clone(), target);
            }
            for email in &values.emails {
                group.emails.insert(email.clone());
                by_email.insert(email.clone(), target);
            }
            for phone in &values.phones {
                group.phones.insert(phone.clone());
                by_phone.insert(phone.clone(), target);
            }
            group.members.push(index);
        }
    }

    groups
        .iter()
        .enumerate()
        .filter(|(index, group)| group.parent == *index)
        .map(|(_, group)| build_profile(records, &group.members, warnings))
        .collect()
}

/// Follows merges up to the group that holds the records now.
fn find(groups: &mut [Group], mut index: usize) -> usize {
    let mut path = Vec::new();
    while let Some(group) = groups.get(index) {
        if group.parent == index {
            break;
        }
        path.push(index);
        index = group.parent;
    }
    for step in path {
        if let Some(group) = groups.get_mut(step) {
            group.parent = index;
        }
    }
    index
}

/// Moves group `other` into group `target`, which is the older one.
fn merge(groups: &mut [Group], target: usize, other: usize) {
    let Some(source) = groups.get_mut(other) else {
        return;
    };
    source.parent = target;
    let external_id = source.external_id.take();
    let emails = std::mem::take(&mut source.emails);
    let phones = std::mem::take(&mut source.phones);
    let members = std::mem::take(&mut source.members);
    if let Some(group) = groups.get_mut(target) {
        group.external_id = group.external_id.take().or(external_id);
        group.emails.extend(emails);
        group.phones.extend(phones);
        group.members.extend(members);
        group.members.sort_unstable();
    }
}

/// Checks whether a record may join the groups it shares identifiers with.
fn check_join(
    groups: &[Group],
    roots: &[usize],
    values: &ProfileValues,
    row: u32,
) -> Vec<RecordError> {
    let joined = roots.iter().filter_map(|&root| groups.get(root));
    let mut external_ids: BTreeSet<&str> = joined
        .clone()
        .filter_map(|group| group.external_id.as_deref())
        .collect();
    if let Some(id) = &values.external_id {
        external_ids.insert(id);
    }
    if external_ids.len() > 1 {
        return vec![RecordError {
            row,
            field: Some("external_id".to_owned()),
            code: ErrorCode::ConflictingIdentifiers,
            message: "the record shares an email or phone with a profile of another external \
                      ID, so it would join two customers: correct the email, phone or ID"
                .to_owned(),
        }];
    }

    let mut problems = Vec::new();
    let emails: BTreeSet<&str> = joined
        .clone()
        .flat_map(|group| group.emails.iter().map(String::as_str))
        .chain(values.emails.iter().map(String::as_str))
        .collect();
    if emails.len() > MAX_CONTACTS {
        problems.push(too_many(row, "email", "emails"));
    }
    let phones: BTreeSet<&str> = joined
        .flat_map(|group| group.phones.iter().map(String::as_str))
        .chain(values.phones.iter().map(String::as_str))
        .collect();
    if phones.len() > MAX_CONTACTS {
        problems.push(too_many(row, "phone", "phones"));
    }
    problems
}

fn too_many(row: u32, field: &str, plural: &str) -> RecordError {
    RecordError {
        row,
        field: Some(field.to_owned()),
        code: ErrorCode::TooManyContacts,
        message: format!(
            "the profile already has {MAX_CONTACTS} {plural} (a main one and \
             {MAX_ADDITIONAL_CONTACTS} more), the most one import may give it: \
             import the rest separately or remove them"
        ),
    }
}

/// Builds a profile from its records in row order: the first non-empty
/// value of each single-valued field wins, and a later different value
/// adds a warning on its row. Emails, phones and tags are collected in
/// order, each once.
fn build_profile(
    records: &[Record],
    members: &[usize],
    warnings: &mut Vec<Warning>,
) -> ProfileDraft {
    let mut profile = ProfileDraft::default();
    let mut first_rows: HashMap<String, u32> = HashMap::new();
    for record in members.iter().filter_map(|&index| records.get(index)) {
        profile.rows.push(record.row);
        let values = &record.values;
        let target = &mut profile.values;
        let singles = [
            ("external_id", &values.external_id, &mut target.external_id),
            ("first_name", &values.first_name, &mut target.first_name),
            ("last_name", &values.last_name, &mut target.last_name),
            ("middle_name", &values.middle_name, &mut target.middle_name),
            ("gender", &values.gender, &mut target.gender),
            ("birth_date", &values.birth_date, &mut target.birth_date),
            ("address", &values.address, &mut target.address),
            ("city", &values.city, &mut target.city),
            ("country", &values.country, &mut target.country),
            (
                "preferred_language",
                &values.preferred_language,
                &mut target.preferred_language,
            ),
        ];
        for (key, value, slot) in singles {
            keep_first(
                key,
                value.as_ref(),
                slot,
                record.row,
                &mut first_rows,
                warnings,
            );
        }
        for (name, value) in &values.custom {
            let key = format!("custom:{name}");
            let slot = target.custom.entry(name.clone()).or_default();
            let mut current = (!slot.is_empty()).then(|| slot.clone());
            keep_first(
                &key,
                Some(value),
                &mut current,
                record.row,
                &mut first_rows,
                warnings,
            );
            *slot = current.unwrap_or_default();
        }
        extend_unique(&mut target.emails, &values.emails);
        extend_unique(&mut target.phones, &values.phones);
        extend_unique(&mut target.tags, &values.tags);
    }
    profile.rows.sort_unstable();
    profile
}

fn keep_first(
    key: &str,
    value: Option<&String>,
    slot: &mut Option<String>,
    row: u32,
    first_rows: &mut HashMap<String, u32>,
    warnings: &mut Vec<Warning>,
) {
    let Some(value) = value else {
        return;
    };
    match slot {
        None => {
            *slot = Some(value.clone());
            first_rows.insert(key.to_owned(), row);
        }
        Some(kept) if kept != value => {
            let first_row = first_rows.get(key).copied().unwrap_or(row);
            warnings.push(Warning {
                row: Some(row),
                field: Some(key.to_owned()),
                message: format!(
                    "this {key} differs from the one on row {first_row} of the same profile, \
                     which is kept"
                ),
            });
        }
        Some(_) => {}
    }
}

fn extend_unique(list: &mut Vec<String>, values: &[String]) {
    for value in values {
        if !list.contains(value) {
            list.push(value.clone());
        }
    }
}
