//! Grouping of valid records into profiles: a union over identifier
//! values (external ID, email, phone) in row order.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt};

use crate::analysis::{ProfileDraft, ProfileValues, Record};
use crate::error::{ErrorCode, RecordError, Warning};
use crate::MAX_ADDITIONAL_CONTACTS;

/// Most distinct contacts of one type in a profile: the main one and
/// [`MAX_ADDITIONAL_CONTACTS`] more.
const MAX_CONTACTS: usize = 1 + MAX_ADDITIONAL_CONTACTS;

/// A profile while records are being added, possibly merged into another.
/// Its values borrow from the records.
struct Group<'a> {
    /// The group this one was merged into, or itself while it is a root.
    parent: usize,
    external_id: Option<&'a str>,
    /// Distinct emails and phones, at most [`MAX_CONTACTS`] each, so a list
    /// is smaller and as fast as a set.
    emails: Vec<&'a str>,
    phones: Vec<&'a str>,
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
    let (members, problems) = assign(records, errors);
    for (index, record_problems) in problems {
        if let (Some(record), Some(record_errors)) = (records.get_mut(index), errors.get_mut(index))
        {
            record.valid = false;
            record_errors.extend(record_problems);
        }
    }
    members
        .iter()
        .map(|group| build_profile(records, group, warnings))
        .collect()
}

/// The record indexes of each profile, and the grouping errors of the
/// records that join none.
type Assignment = (Vec<Vec<usize>>, Vec<(usize, Vec<RecordError>)>);

/// Decides in row order which profile each record without errors joins.
fn assign(records: &[Record], errors: &[Vec<RecordError>]) -> Assignment {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut by_external_id: HashMap<&str, usize> = HashMap::new();
    let mut by_email: HashMap<&str, usize> = HashMap::new();
    let mut by_phone: HashMap<&str, usize> = HashMap::new();
    let mut problems = Vec::new();

    for (index, record) in records.iter().enumerate() {
        if errors
            .get(index)
            .is_none_or(|record_errors| !record_errors.is_empty())
        {
            continue;
        }
        let values = &record.values;
        let mut roots: Vec<usize> = Vec::new();
        let lookups = values
            .external_id
            .iter()
            .filter_map(|id| by_external_id.get(id.as_str()))
            .chain(
                values
                    .emails
                    .iter()
                    .filter_map(|email| by_email.get(email.as_str())),
            )
            .chain(
                values
                    .phones
                    .iter()
                    .filter_map(|phone| by_phone.get(phone.as_str())),
            );
        for &group in lookups {
            let root = find(&mut groups, group);
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        roots.sort_unstable();

        let record_problems = check_join(&groups, &roots, values, record.row);
        if !record_problems.is_empty() {
            problems.push((index, record_problems));
            continue;
        }

        let target = match roots.first() {
            Some(&root) => root,
            None => {
                groups.push(Group {
                    parent: groups.len(),
                    external_id: None,
                    emails: Vec::new(),
                    phones: Vec::new(),
                    members: Vec::new(),
                });
                groups.len() - 1
            }
        };
        for &other in roots.iter().skip(1) {
            merge(&mut groups, target, other);
        }
        if let Some(group) = groups.get_mut(target) {
            if let Some(id) = values.external_id.as_deref() {
                group.external_id = Some(id);
                by_external_id.insert(id, target);
            }
            for email in &values.emails {
                push_unique(&mut group.emails, email);
                by_email.insert(email, target);
            }
            for phone in &values.phones {
                push_unique(&mut group.phones, phone);
                by_phone.insert(phone, target);
            }
            group.members.push(index);
        }
    }

    let members = groups
        .into_iter()
        .enumerate()
        .filter(|(index, group)| group.parent == *index)
        .map(|(_, group)| group.members)
        .collect();
    (members, problems)
}

fn push_unique<'a>(list: &mut Vec<&'a str>, value: &'a str) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Follows merges up to the group that holds the records now.
fn find(groups: &mut [Group<'_>], mut index: usize) -> usize {
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
fn merge(groups: &mut [Group<'_>], target: usize, other: usize) {
    let Some(source) = groups.get_mut(other) else {
        return;
    };
    source.parent = target;
    let external_id = source.external_id.take();
    let emails = std::mem::take(&mut source.emails);
    let phones = std::mem::take(&mut source.phones);
    let members = std::mem::take(&mut source.members);
    if let Some(group) = groups.get_mut(target) {
        group.external_id = group.external_id.or(external_id);
        for email in emails {
            push_unique(&mut group.emails, email);
        }
        for phone in phones {
            push_unique(&mut group.phones, phone);
        }
        group.members.extend(members);
        group.members.sort_unstable();
    }
}

/// Checks whether a record may join the groups it shares identifiers with.
fn check_join(
    groups: &[Group<'_>],
    roots: &[usize],
    values: &ProfileValues,
    row: u32,
) -> Vec<RecordError> {
    // A record's own emails and phones are distinct already.
    if roots.is_empty() {
        let mut problems = Vec::new();
        if values.emails.len() > MAX_CONTACTS {
            problems.push(too_many(row, "email", "emails"));
        }
        if values.phones.len() > MAX_CONTACTS {
            problems.push(too_many(row, "phone", "phones"));
        }
        return problems;
    }
    let joined = roots.iter().filter_map(|&root| groups.get(root));
    let mut external_ids: BTreeSet<&str> = joined
        .clone()
        .filter_map(|group| group.external_id)
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
        .flat_map(|group| group.emails.iter().copied())
        .chain(values.emails.iter().map(String::as_str))
        .collect();
    if emails.len() > MAX_CONTACTS {
        problems.push(too_many(row, "email", "emails"));
    }
    let phones: BTreeSet<&str> = joined
        .flat_map(|group| group.phones.iter().copied())
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
    // A record's own values are already normalized and without repeats.
    if let [index] = members {
        if let Some(record) = records.get(*index) {
            return ProfileDraft {
                rows: vec![record.row],
                values: record.values.clone(),
            };
        }
    }
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
