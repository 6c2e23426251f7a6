//! Text forms of values that several pages show.

use shared::{FileFormat, PersonType, ProfileValues, SourceInfo};

/// Returns the display name of a person type.
pub fn person_type_label(person_type: PersonType) -> &'static str {
    match person_type {
        PersonType::Lead => "Lead",
        PersonType::Customer => "Customer",
    }
}

/// Formats a byte count with binary units, such as `1.5 MiB`.
pub fn format_bytes(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    const MIB: f64 = 1024.0 * 1024.0;
    let value = bytes as f64;
    if value >= MIB {
        format!("{:.1} MiB", value / MIB)
    } else if value >= KIB {
        format!("{:.1} KiB", value / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Formats the share `done` of `total` as a whole percentage, such as
/// `45 %`. An empty total counts as done.
pub fn format_percent(done: u64, total: u64) -> String {
    if total == 0 {
        return "100 %".to_owned();
    }
    // Rounded down, so that 100 % means finished.
    let percent = u128::from(done.min(total)) * 100 / u128::from(total);
    format!("{percent} %")
}

/// Formats an RFC 3339 UTC time as `YYYY-MM-DD HH:MM UTC`. Other text is
/// returned unchanged.
pub fn format_timestamp(timestamp: &str) -> String {
    let bytes = timestamp.as_bytes();
    let utc = timestamp.ends_with('Z') || timestamp.ends_with("+00:00");
    if bytes.len() >= 16 && bytes[10] == b'T' && utc && timestamp.is_char_boundary(16) {
        format!("{} {} UTC", &timestamp[..10], &timestamp[11..16])
    } else {
        timestamp.to_owned()
    }
}

/// Joins the first, middle and last name of a profile.
pub fn full_name(values: &ProfileValues) -> String {
    [&values.first_name, &values.middle_name, &values.last_name]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Describes how a file was read, such as `CSV, UTF-8, delimiter “;”`.
pub fn describe_source(info: &SourceInfo) -> String {
    let format = match info.format {
        FileFormat::Csv => "CSV",
        FileFormat::Txt => "Text",
        FileFormat::Xls => "Excel 97–2003 (XLS)",
        FileFormat::Xlsx => "Excel (XLSX)",
        FileFormat::Xlsb => "Excel binary (XLSB)",
        FileFormat::Ods => "OpenDocument (ODS)",
        FileFormat::Zip => "ZIP",
    };
    let mut parts = vec![format.to_owned()];
    if let Some(entry) = &info.zip_entry {
        parts.push(format!("from ZIP entry “{entry}”"));
    }
    if let Some(encoding) = &info.encoding {
        parts.push(encoding.clone());
    }
    if let Some(delimiter) = info.delimiter {
        let shown = match delimiter {
            '\t' => "tab".to_owned(),
            ' ' => "space".to_owned(),
            other => format!("“{other}”"),
        };
        parts.push(format!("delimiter {shown}"));
    }
    if let Some(sheet) = &info.sheet {
        parts.push(format!("worksheet “{sheet}”"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_down_and_caps() {
        assert_eq!(format_percent(0, 200), "0 %");
        assert_eq!(format_percent(199, 200), "99 %");
        assert_eq!(format_percent(200, 200), "100 %");
        assert_eq!(format_percent(300, 200), "100 %");
        assert_eq!(format_percent(0, 0), "100 %");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(format_bytes(512), "512 bytes");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(50 * 1024 * 1024), "50.0 MiB");
    }

    #[test]
    fn timestamp_shows_minutes_in_utc() {
        assert_eq!(
            format_timestamp("2026-12-04T15:30:12.123Z"),
            "2026-12-04 15:30 UTC"
        );
        assert_eq!(
            format_timestamp("2026-12-04T15:30:12+00:00"),
            "2026-12-04 15:30 UTC"
        );
    }

    #[test]
    fn timestamp_keeps_other_text() {
        assert_eq!(
            format_timestamp("2026-12-04T15:30:12+02:00"),
            "2026-12-04T15:30:12+02:00"
        );
        assert_eq!(format_timestamp("yesterday"), "yesterday");
    }

    #[test]
    fn full_name_skips_missing_parts() {
        let values = ProfileValues {
            first_name: Some("Anna".into()),
            last_name: Some("Kowalski".into()),
            ..ProfileValues::default()
        };
        assert_eq!(full_name(&values), "Anna Kowalski");
        assert_eq!(full_name(&ProfileValues::default()), "");
    }

    #[test]
    fn source_names_delimiter() {
        let info = SourceInfo {
            format: FileFormat::Csv,
            zip_entry: None,
            encoding: Some("UTF-8".into()),
            delimiter: Some('\t'),
            sheets: Vec::new(),
            sheet: None,
            warnings: Vec::new(),
        };
        assert_eq!(describe_source(&info), "CSV, UTF-8, delimiter tab");
    }
}
