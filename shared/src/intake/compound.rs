//! A structure check of OLE compound files (XLS) before calamine reads
//! them.
//!
//! calamine 0.38 follows sector chains without bounds or cycle checks. A
//! damaged file can make it index past the end of its sector table (a
//! panic) or loop on a cyclic chain until memory runs out, and it unwraps
//! 64-bit stream lengths into `usize`, which panics on a 32-bit target. This module walks the same
//! chains the way `calamine::cfb` reads them (header, DIFAT, FAT,
//! directory, mini stream and the `Workbook` stream) and rejects such a
//! file as damaged. Damage that calamine reports as an error itself is
//! left to calamine.

use crate::error::Rejection;
use crate::intake::corrupt_file;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const MINI_SECTOR_SIZE: usize = 64;
/// Streams shorter than this are stored in the mini stream.
const MINI_STREAM_CUTOFF: usize = 4096;
const DIRECTORY_ENTRY_SIZE: usize = 128;

/// Rejects a compound file whose structure calamine cannot read safely.
pub(super) fn check_compound(bytes: &[u8]) -> Result<(), Rejection> {
    match find_hazard(bytes) {
        Some(hazard) => Err(corrupt_file("XLS workbook", hazard)),
        None => Ok(()),
    }
}

/// The sectors of a compound file as calamine reads them: sector `n`
/// starts after the header at `header + n * size`, and bytes past the end
/// of the file read as zeros (see `PaddedReader` in the workbook module).
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl Sectors<'_> {
    fn entries(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.size + id as usize * self.size;
        (0..self.size / 4).map(move |index| read_u32(self.bytes, start + index * 4))
    }

    fn sector_bytes(&self, id: u32) -> Vec<u8> {
        let start = self.size + id as usize * self.size;
        (0..self.size)
            .map(|offset| self.bytes.get(start + offset).copied().unwrap_or(0))
            .collect()
    }
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    bytes
        .get(offset..offset + 4)
        .and_then(|slice| slice.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn read_u16(bytes: &[u8], offset: usize) -> u16 {
    bytes
        .get(offset..offset + 2)
        .and_then(|slice| slice.try_into().ok())
        .map_or(0, u16::from_le_bytes)
}

fn read_u64(bytes: &[u8], offset: usize) -> u64 {
    bytes
        .get(offset..offset + 8)
        .and_then(|slice| slice.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Follows a chain from `start` for `length` bytes as `Sectors::get_chain`
/// of calamine does, and returns the sector ids it reads. Returns `None`
/// when calamine would index past `table` or go round a cycle.
fn walk(start: u32, table: &[u32], size: usize, max_id: u32, length: usize) -> Option<Vec<u32>> {
    let mut seen = vec![false; max_id as usize + 1];
    let mut ids = Vec::new();
    let mut read = 0usize;
    let mut id = start;
    while id != ENDOFCHAIN {
        if id > max_id {
            // calamine stops here with an error of its own.
            break;
        }
        let visited = seen.get_mut(id as usize)?;
        if *visited {
            return None;
        }
        *visited = true;
        ids.push(id);
        read = read.saturating_add(size);
        if read >= length {
            break;
        }
        id = *table.get(id as usize)?;
    }
    Some(ids)
}

/// A directory entry as calamine reads it.
struct Entry {
    name: String,
    start: u32,
    length: u64,
}

fn parse_entry(bytes: &[u8], large_sectors: bool) -> Entry {
    let units: Vec<u16> = (0..32).map(|index| read_u16(bytes, index * 2)).collect();
    let name: String = char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .take_while(|c| *c != '\0')
        .collect();
    let length = if large_sectors {
        read_u64(bytes, 120)
    } else {
        u64::from(read_u32(bytes, 120))
    };
    Entry {
        name,
        start: read_u32(bytes, 116),
        length,
    }
}

/// Returns what would make calamine panic or exhaust memory, if anything.
fn find_hazard(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 512 || read_u16(bytes, 32) != 6 {
        return None;
    }
    let size = match read_u16(bytes, 30) {
        9 => 512,
        12 => 4096,
        _ => return None,
    };
    // The largest sector id calamine reads: the file length over the
    // sector size.
    let max_id = u32::try_from(bytes.len() / size).unwrap_or(u32::MAX);
    let sectors = Sectors { bytes, size };
    let sector_count = max_id as usize + 1;

    // The DIFAT lists the FAT sectors: 109 ids in the header, then a chain.
    let mut difat: Vec<u32> = (0..109)
        .map(|index| read_u32(bytes, 76 + index * 4))
        .collect();
    let mut id = read_u32(bytes, 68);
    let mut difat_sectors = 0usize;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > sector_count || id > max_id {
            return None;
        }
        difat.extend(sectors.entries(id));
        id = difat.pop()?;
    }
    let fat_ids: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_ids.iter().any(|id| *id > max_id) {
        return None;
    }
    let mut seen = vec![false; sector_count];
    for id in &fat_ids {
        let visited = seen.get_mut(*id as usize)?;
        if *visited {
            return Some("the sector table lists one sector twice");
        }
        *visited = true;
    }
    let fats: Vec<u32> = fat_ids.iter().flat_map(|id| sectors.entries(*id)).collect();

    let Some(directory_ids) = walk(read_u32(bytes, 48), &fats, size, max_id, usize::MAX) else {
        return Some("the directory chain is broken");
    };
    let large_sectors = size == 4096;
    let entries: Vec<Entry> = directory_ids
        .iter()
        .flat_map(|id| {
            let sector = sectors.sector_bytes(*id);
            sector
                .chunks_exact(DIRECTORY_ENTRY_SIZE)
                .map(|chunk| parse_entry(chunk, large_sectors))
                .collect::<Vec<_>>()
        })
        .collect();
    if entries
        .iter()
        .any(|entry| entry.length > u64::from(u32::MAX))
    {
        return Some("a stream is longer than 4 GiB");
    }
    let root = entries.first()?;

    let mini_fat_sectors = read_u32(bytes, 64) as usize;
    let mut mini_fats = Vec::new();
    if mini_fat_sectors > 0 {
        if mini_fat_sectors > sector_count {
            return Some("the mini sector table is longer than the file");
        }
        let root_length = usize::try_from(root.length).unwrap_or(usize::MAX);
        if walk(root.start, &fats, size, max_id, root_length).is_none() {
            return Some("the mini stream chain is broken");
        }
        let Some(mini_fat_ids) = walk(
            read_u32(bytes, 60),
            &fats,
            size,
            max_id,
            mini_fat_sectors * size,
        ) else {
            return Some("the mini sector table chain is broken");
        };
        mini_fats = mini_fat_ids
            .iter()
            .flat_map(|id| sectors.entries(*id))
            .collect();
    }

    // `Xls::new` reads the first entry named Workbook, else Book.
    for name in ["Workbook", "Book"] {
        let Some(entry) = entries
            .iter()
            .find(|entry| entry.name.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let length = usize::try_from(entry.length).unwrap_or(usize::MAX);
        let readable = if length < MINI_STREAM_CUTOFF {
            let mini_max_id = max_id.saturating_mul(8);
            walk(
                entry.start,
                &mini_fats,
                MINI_SECTOR_SIZE,
                mini_max_id,
                length,
            )
        } else {
            walk(entry.start, &fats, size, max_id, length)
        };
        if readable.is_none() {
            return Some("the workbook stream chain is broken");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn walk_follows_chains() {
        // Sector 0 -> 2 -> end, sector 1 -> 1 (a cycle), sector 3 -> 9, which
        // the four-entry table does not cover. Sector ids go up to 10.
        let table = [2, 1, ENDOFCHAIN, 9];
        let cases: [(u32, usize, Option<Vec<u32>>); 6] = [
            (0, usize::MAX, Some(vec![0, 2])),
            (0, 512, Some(vec![0])),
            (1, usize::MAX, None),
            (1, 512, Some(vec![1])),
            (3, usize::MAX, None),
            (11, usize::MAX, Some(vec![])),
        ];
        for (start, length, expected) in cases {
            assert_eq!(
                walk(start, &table, 512, 10, length),
                expected,
                "start {start}"
            );
        }
    }

    #[test]
    fn check_compound_leaves_plain_errors_to_calamine() {
        assert_eq!(find_hazard(b"too short"), None);
        let mut header = vec![0u8; 512];
        header[30] = 7;
        header[32] = 6;
        assert_eq!(find_hazard(&header), None);
    }
}
