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

/// Most cells of a BIFF8 sheet: 65,536 rows of 256 columns.
const MAX_XLS_CELLS: u64 = 65_536 * 256;

/// Checks the DIMENSIONS records of a workbook stream, for which calamine
/// reserves room for every cell of the range before it reads a cell, and
/// subtracts the bounds unchecked.
fn biff_hazard(stream: &[u8]) -> Option<&'static str> {
    let mut position = 0;
    while let Some(header) = stream.get(position..position + 4) {
        let kind = read_u16(header, 0);
        let length = usize::from(read_u16(header, 2));
        let data = stream.get(position + 4..position + 4 + length)?;
        if kind == 0x0200 {
            let cells = dimension_cells(data);
            if cells.is_none_or(|cells| cells > MAX_XLS_CELLS) {
                return Some("a sheet claims a range larger than an XLS sheet can be");
            }
        }
        position += 4 + length;
    }
    None
}

/// Returns the number of cells of a DIMENSIONS record as `parse_dimensions`
/// of calamine 0.38 reads it, or `None` when its bounds are reversed. A
/// record of another length is an error calamine reports itself.
fn dimension_cells(data: &[u8]) -> Option<u64> {
    let (first_row, last_row, mut first_column, last_column) = match data.len() {
        10 => (
            u32::from(read_u16(data, 0)),
            u32::from(read_u16(data, 2)),
            u32::from(read_u16(data, 4)),
            u32::from(read_u16(data, 6)),
        ),
        14 | 16 => (
            read_u32(data, 0),
            read_u32(data, 4),
            u32::from(read_u16(data, 8)),
            u32::from(read_u16(data, 10)),
        ),
        _ => return Some(0),
    };
    if first_column > 0xFF || last_column < first_column {
        first_column = 0;
    }
    let (end_row, end_column) = if last_row >= 1 && last_column >= 1 {
        (last_row - 1, last_column - 1)
    } else {
        (first_row, first_column)
    };
    let rows = u64::from(end_row.checked_sub(first_row)?) + 1;
    let columns = u64::from(end_column.checked_sub(first_column)?) + 1;
    Some(rows * columns)
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
    let mut mini_stream_ids = Vec::new();
    if mini_fat_sectors > 0 {
        if mini_fat_sectors > sector_count {
            return Some("the mini sector table is longer than the file");
        }
        let root_length = usize::try_from(root.length).unwrap_or(usize::MAX);
        let Some(ids) = walk(root.start, &fats, size, max_id, root_length) else {
            return Some("the mini stream chain is broken");
        };
        mini_stream_ids = ids;
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
        let Some(ids) = readable else {
            return Some("the workbook stream chain is broken");
        };
        let stream: Vec<u8> = if length < MINI_STREAM_CUTOFF {
            let mini_stream: Vec<u8> = mini_stream_ids
                .iter()
                .flat_map(|id| sectors.sector_bytes(*id))
                .collect();
            ids.iter()
                .flat_map(|id| {
                    let start = *id as usize * MINI_SECTOR_SIZE;
                    (start..start + MINI_SECTOR_SIZE)
                        .map(|offset| mini_stream.get(offset).copied().unwrap_or(0))
                        .collect::<Vec<u8>>()
                })
                .take(length)
                .collect()
        } else {
            ids.iter()
                .flat_map(|id| sectors.sector_bytes(*id))
                .take(length)
                .collect()
        };
        if let Some(hazard) = biff_hazard(&stream) {
            return Some(hazard);
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
    fn dimension_cells_cases() {
        let record = |first_row: u32, last_row: u32, first_column: u16, last_column: u16| {
            let mut data = Vec::new();
            data.extend(first_row.to_le_bytes());
            data.extend(last_row.to_le_bytes());
            data.extend(first_column.to_le_bytes());
            data.extend(last_column.to_le_bytes());
            data.extend([0, 0]);
            data
        };
        let cases = [
            (record(0, 6, 0, 5), Some(30)),
            (record(0, 65_536, 0, 256), Some(MAX_XLS_CELLS)),
            (record(0, 0, 0, 0), Some(1)),
            (record(9, 3, 0, 5), None),
            (vec![1, 2, 3], Some(0)),
        ];
        for (data, expected) in cases {
            assert_eq!(dimension_cells(&data), expected, "{data:?}");
        }
    }

    #[test]
    fn biff_hazard_finds_huge_range() {
        let mut stream = vec![0x09, 0x08, 2, 0, 0, 6];
        stream.extend([0x00, 0x02, 14, 0]);
        stream.extend(100_000u32.to_le_bytes());
        stream.extend(200_000u32.to_le_bytes());
        stream.extend([0, 0, 0xFF, 0xFF, 0, 0]);
        assert!(biff_hazard(&stream).is_some());
        assert_eq!(biff_hazard(&stream[..6]), None);
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
