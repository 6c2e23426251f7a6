//! Zip archives: telling workbooks from plain archives, picking the first
//! real entry, and inflating it under [`MAX_INFLATED_BYTES`].

use std::io::{Cursor, Read};

use ::zip::result::ZipError;
use ::zip::{CompressionMethod, ZipArchive};

use crate::error::{RejectCode, Rejection};
use crate::intake::{corrupt_file, encrypted_file};
use crate::table::FileFormat;
use crate::MAX_INFLATED_BYTES;

/// What a zip container holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ZipKind {
    /// An XLSX, XLSB or ODS workbook, which are zip containers themselves.
    Workbook(FileFormat),
    /// A plain archive of files.
    Archive,
}

/// The first real entry of an archive, inflated.
pub(super) struct Entry {
    pub name: String,
    pub content: Vec<u8>,
    /// Names of the other real entries, which are not read.
    pub ignored: Vec<String>,
}

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn open(bytes: &[u8]) -> Result<Archive<'_>, Rejection> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|error| corrupt_file("zip archive", error))
}

/// Tells a workbook from a plain archive by the entries that each
/// workbook format must have.
pub(super) fn classify(bytes: &[u8]) -> Result<ZipKind, Rejection> {
    let archive = open(bytes)?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        return Ok(ZipKind::Workbook(FileFormat::Xlsx));
    }
    if has("xl/workbook.bin") {
        return Ok(ZipKind::Workbook(FileFormat::Xlsb));
    }
    if has("content.xml") && has("mimetype") {
        return Ok(ZipKind::Workbook(FileFormat::Ods));
    }
    Ok(ZipKind::Archive)
}

/// Returns whether an entry is something other than a file people put in the
/// archive: a folder, macOS Finder metadata (`__MACOSX/`, `._*`,
/// `.DS_Store`) or Windows thumbnails (`Thumbs.db`, `desktop.ini`).
fn is_junk(name: &str) -> bool {
    let base = name
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(name);
    name.ends_with('/')
        || name.starts_with("__MACOSX/")
        || name.contains("/__MACOSX/")
        || base.starts_with("._")
        || base == ".DS_Store"
        || base.eq_ignore_ascii_case("Thumbs.db")
        || base.eq_ignore_ascii_case("desktop.ini")
}

/// Returns the entry's name, decoded as UTF-8 or CP437 as its flags mark it.
fn entry_name(entry: &::zip::read::ZipFileEntry<'_>) -> String {
    match entry.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
    }
}

/// Inflates the first real entry in archive order and names the others.
pub(super) fn read_first_entry(bytes: &[u8]) -> Result<Entry, Rejection> {
    let mut archive = open(bytes)?;
    let mut chosen: Option<(usize, String)> = None;
    let mut ignored = Vec::new();
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|error| corrupt_file("zip archive", error))?;
        let name = entry_name(&entry);
        if entry.is_dir() || is_junk(&name) {
            continue;
        }
        if chosen.is_none() {
            chosen = Some((index, name));
        } else {
            ignored.push(name);
        }
    }
    let Some((index, name)) = chosen else {
        return Err(Rejection::new(
            RejectCode::EmptyFile,
            "the zip archive contains no file: put the contact file in the archive and upload it again",
        ));
    };
    let content = inflate(&mut archive, index, &name, MAX_INFLATED_BYTES)?;
    Ok(Entry {
        name,
        content,
        ignored,
    })
}

/// Inflates one entry to at most `limit` bytes, counting the bytes while
/// inflating, because a zip header can state any size.
///
/// The `zip` crate (9.9) also fails with an I/O error once an entry
/// inflates past its declared size, which comes back as `corrupt_file`.
fn inflate(
    archive: &mut Archive<'_>,
    index: usize,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, Rejection> {
    let (declared, method, encrypted) = {
        let entry = archive
            .by_index_data(index)
            .map_err(|error| corrupt_file("zip archive", error))?;
        (entry.size(), entry.compression(), entry.encrypted())
    };
    if encrypted {
        return Err(encrypted_file());
    }
    check_method(method, name)?;
    if declared > limit {
        return Err(too_large(name));
    }
    let mut file = archive
        .by_index(index)
        .map_err(|error| entry_error(error, name))?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut content: Vec<u8> = Vec::new();
    content
        .try_reserve_exact(usize::try_from(declared).unwrap_or(0).min(limit))
        .map_err(|_| too_large(name))?;
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = file
            .read(&mut chunk)
            .map_err(|error| corrupt_file(&format!("zip entry {name}"), error))?;
        if read == 0 {
            break;
        }
        if content.len() + read > limit {
            return Err(too_large(name));
        }
        if content.capacity() - content.len() < read {
            // Grow geometrically, but never past the limit.
            let wanted = (content.capacity() * 2).clamp(read + content.len(), limit);
            content
                .try_reserve_exact(wanted - content.len())
                .map_err(|_| too_large(name))?;
        }
        content.extend_from_slice(chunk.get(..read).unwrap_or_default());
    }
    Ok(content)
}

/// Checks that a workbook's parts inflate to at most
/// [`MAX_INFLATED_BYTES`] together, before calamine inflates them.
pub(super) fn check_inflated_size(bytes: &[u8]) -> Result<(), Rejection> {
    let mut archive = open(bytes)?;
    let mut total: u64 = 0;
    let mut chunk = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let (name, declared, method, encrypted) = {
            let entry = archive
                .by_index_data(index)
                .map_err(|error| corrupt_file("workbook", error))?;
            (
                entry_name(&entry),
                entry.size(),
                entry.compression(),
                entry.encrypted(),
            )
        };
        if encrypted {
            return Err(encrypted_file());
        }
        if total.saturating_add(declared) > MAX_INFLATED_BYTES {
            return Err(too_large(&name));
        }
        if check_method(method, &name).is_err() {
            // Skipped, because calamine fails on such a part only if it reads it.
            continue;
        }
        let mut file = archive
            .by_index(index)
            .map_err(|error| entry_error(error, &name))?;
        loop {
            let read = file
                .read(&mut chunk)
                .map_err(|error| corrupt_file("workbook", error))?;
            if read == 0 {
                break;
            }
            total = total.saturating_add(read as u64);
            if total > MAX_INFLATED_BYTES {
                return Err(too_large(&name));
            }
        }
    }
    Ok(())
}

fn check_method(method: CompressionMethod, name: &str) -> Result<(), Rejection> {
    if matches!(
        method,
        CompressionMethod::Stored | CompressionMethod::Deflated | CompressionMethod::Bzip2
    ) {
        return Ok(());
    }
    Err(Rejection::new(
        RejectCode::UnsupportedFormat,
        format!(
            "{name} in the zip archive is compressed with the {method} method, which is not \
             supported: zip the file again with the standard Deflate method"
        ),
    ))
}

fn entry_error(error: ZipError, name: &str) -> Rejection {
    match error {
        ZipError::UnsupportedArchive(message) if message.contains("assword") => encrypted_file(),
        ZipError::InvalidPassword => encrypted_file(),
        error => corrupt_file(&format!("zip entry {name}"), error),
    }
}

fn too_large(name: &str) -> Rejection {
    let limit_mib = MAX_INFLATED_BYTES / (1024 * 1024);
    Rejection::new(
        RejectCode::DecompressedTooLarge,
        format!(
            "{name} inflates to more than {limit_mib} MiB: split the contacts into smaller \
             files and upload them one by one"
        ),
    )
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write;

    use ::zip::write::SimpleFileOptions;

    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn is_junk_cases() {
        let cases = [
            ("contacts.csv", false),
            ("exports/contacts.csv", false),
            ("exports/", true),
            ("__MACOSX/._contacts.csv", true),
            ("exports/__MACOSX/x.csv", true),
            ("._contacts.csv", true),
            ("exports/.DS_Store", true),
            ("Thumbs.db", true),
        ];
        for (name, expected) in cases {
            assert_eq!(is_junk(name), expected, "{name}");
        }
    }

    /// Builds a zip archive of stored entries; a name ending in `/` is a
    /// folder.
    pub(in crate::intake) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for (name, content) in entries {
            if name.ends_with('/') {
                writer.add_directory(*name, options).expect("add folder");
            } else {
                writer.start_file(*name, options).expect("start entry");
                writer.write_all(content).expect("write entry");
            }
        }
        writer.finish().expect("finish zip").into_inner()
    }

    /// Overwrites a field of the first entry's local and central headers;
    /// `local` and `central` are the field's offsets in each header.
    pub(in crate::intake) fn patch_headers(
        zip: &mut [u8],
        local: usize,
        central: usize,
        bytes: &[u8],
    ) {
        let find = |signature: &[u8]| {
            zip.windows(4)
                .position(|window| window == signature)
                .expect("header signature")
        };
        let local_start = find(b"PK\x03\x04");
        let central_start = find(b"PK\x01\x02");
        zip[local_start + local..local_start + local + bytes.len()].copy_from_slice(bytes);
        zip[central_start + central..central_start + central + bytes.len()].copy_from_slice(bytes);
    }

    #[test]
    fn inflate_rejects_declared_size_over_limit() {
        let zip = zip_of(&[("contacts.csv", &[b'a'; 5000])]);
        let mut archive = open(&zip).expect("archive");
        let rejection = inflate(&mut archive, 0, "contacts.csv", 1000).expect_err("over limit");
        assert_eq!(rejection.code, RejectCode::DecompressedTooLarge);
    }

    #[test]
    fn inflate_stops_at_false_declared_size() {
        let mut zip = zip_of(&[("contacts.csv", &[b'a'; 5000])]);
        // Claim 10 bytes in the uncompressed size fields.
        patch_headers(&mut zip, 22, 24, &10u32.to_le_bytes());
        let mut archive = open(&zip).expect("archive");
        let rejection = inflate(&mut archive, 0, "contacts.csv", 1000).expect_err("false size");
        assert_eq!(rejection.code, RejectCode::CorruptFile);
    }

    #[test]
    fn inflate_reads_within_limit() {
        let zip = zip_of(&[("contacts.csv", b"email\na@example.com\n")]);
        let mut archive = open(&zip).expect("archive");
        let content = inflate(&mut archive, 0, "contacts.csv", 1000).expect("content");
        assert_eq!(content, b"email\na@example.com\n");
    }
}
